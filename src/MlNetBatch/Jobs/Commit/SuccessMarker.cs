using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>Writes <c>_SUCCESS</c> when the output is complete, checking before and after so that a run starting meanwhile is never hidden.</summary>
internal static class SuccessMarker
{
    /// <summary>
    /// Writes <paramref name="marker"/> when <paramref name="othersComplete"/> says so, and takes it back when they no
    /// longer do once it is written (a shard that starts meanwhile marks its manifest incomplete before it deletes
    /// the marker). Returns whether the marker stays.
    /// </summary>
    public static async Task<bool> WriteIfCompleteAsync(IObjectStore store, ObjectLocation marker, Func<CancellationToken, Task<bool>> othersComplete, CancellationToken cancellationToken)
    {
        if (!await othersComplete(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await using (var success = await store.CreateAsync(marker, cancellationToken).ConfigureAwait(false))
        {
            await success.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (await othersComplete(cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        await store.DeleteIfExistsAsync(marker, cancellationToken).ConfigureAwait(false);
        return false;
    }
}
