using System.Text.Json;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>Reads a small JSON object together with the version it was read at, as a conditional write needs.</summary>
internal static class VersionedJson
{
    private const int Attempts = 3;

    /// <summary>
    /// The object's value and version, or null when there is none; a body that is no <typeparamref name="T"/> throws
    /// <see cref="JsonException"/>. The read is pinned to the version stat reported, so the two always belong together.
    /// </summary>
    public static async Task<(T Value, string Version)?> ReadAsync<T>(IObjectStore store, ObjectLocation location, JsonSerializerOptions? options, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var info = await store.StatAsync(location, cancellationToken).ConfigureAwait(false);
                await using var stream = await store.OpenReadAsync(location, info, cancellationToken).ConfigureAwait(false);
                var value = await JsonSerializer.DeserializeAsync<T>(stream, options, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException("it is empty");
                return (value, info.ETag);
            }
            catch (ObjectNotFoundException)
            {
                return null;
            }
            catch (Exception e) when (e is StorageException or IOException && attempt < Attempts)
            {
                // Replaced between the stat and the read (the read then reports a change), or a connection dropped in the
                // middle of the body, which the store's own retries do not cover: the object is small, read it again.
            }
        }
    }
}
