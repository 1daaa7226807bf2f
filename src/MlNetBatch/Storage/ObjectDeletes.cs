namespace MlNetBatch.Storage;

/// <summary>Deleting an object that may already be gone: removed by another run or shard first, which is no error.</summary>
internal static class ObjectDeletes
{
    /// <summary>Deletes <paramref name="location"/> if it is there.</summary>
    public static async Task DeleteIfExistsAsync(this IObjectStore store, ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
        }
    }
}
