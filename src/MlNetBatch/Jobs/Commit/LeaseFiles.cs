using System.Text.Json;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>Reading lease files: leniently for release and conflict checks, strictly when a run would take one over or renew it.</summary>
internal static class LeaseFiles
{
    /// <summary>
    /// The lease in the way of a new run, with its version; null when it was released meanwhile. One that cannot be
    /// read is an error, never taken for expired: its run may be writing.
    /// </summary>
    public static async Task<StoredLease?> ReadForTakeoverAsync(IObjectStore store, ObjectLocation location, string job, ObjectLocation directory, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadStoredAsync(store, location, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new MlNetBatchException(
                $"Job '{job}': the lease {location} cannot be read ({e.Message}); nothing was written. If no run is writing to {directory}, delete that file and run the job again.", e);
        }
    }

    /// <summary>The lease at <paramref name="location"/> with its version; null when there is none; <see cref="JsonException"/> when it cannot be read.</summary>
    public static async Task<StoredLease?> ReadStoredAsync(IObjectStore store, ObjectLocation location, CancellationToken cancellationToken) =>
        await VersionedJson.ReadAsync<LeaseRecord>(store, location, null, cancellationToken).ConfigureAwait(false) is { } read
            ? new StoredLease(read.Value, read.Version)
            : null;

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
