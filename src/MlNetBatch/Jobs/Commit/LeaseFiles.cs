using System.Text.Json;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>Reading lease files: leniently for release and conflict checks, strictly when a run would take one over.</summary>
internal static class LeaseFiles
{
    /// <summary>
    /// The lease in the way of a new run; null when it was released meanwhile. One that cannot be read is an error,
    /// never taken for expired: its run may be writing.
    /// </summary>
    public static async Task<LeaseRecord?> ReadForTakeoverAsync(IObjectStore store, ObjectLocation location, string job, ObjectLocation directory, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(location, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<LeaseRecord>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("it is empty");
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException e)
        {
            throw new MlNetBatchException(
                $"Job '{job}': the lease {location} cannot be read ({e.Message}); nothing was written. If no run is writing to {directory}, delete that file and run the job again.", e);
        }
    }

    /// <summary>The lease at <paramref name="location"/>; null when there is none or it cannot be read.</summary>
    public static async Task<LeaseRecord?> ReadAsync(IObjectStore store, ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(location, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<LeaseRecord>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectNotFoundException or JsonException or IOException)
        {
            return null;
        }
    }
}
