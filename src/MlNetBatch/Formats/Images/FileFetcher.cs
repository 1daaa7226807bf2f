using System.Buffers;
using System.Runtime.CompilerServices;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Images;

/// <summary>
/// Reads many small whole objects concurrently and hands them on in listing order, with at most
/// <c>concurrency</c> reads running and at most <c>maxBytesInFlight</c> bytes fetched but not yet taken (a file larger
/// than that is read alone). The bytes are in pooled arrays, returned once the consumer moved past them.
/// </summary>
internal static class FileFetcher
{
    /// <summary>A fetched file: its bytes are <c>Buffer[..Length]</c>, valid until the next item is taken.</summary>
    public readonly record struct Fetched(ObjectInfo File, byte[] Buffer, int Length);

    /// <summary>The files' contents, in order.</summary>
    public static async IAsyncEnumerable<Fetched> FetchAsync(
        IObjectStore store, IReadOnlyList<ObjectInfo> files, int concurrency, long maxBytesInFlight,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pending = new Queue<(ObjectInfo File, Task<(byte[] Buffer, int Length)> Read)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long inFlight = 0;
        var next = 0;
        byte[]? held = null;
        try
        {
            while (next < files.Count || pending.Count > 0)
            {
                while (next < files.Count && pending.Count < concurrency && (pending.Count == 0 || inFlight + files[next].Size <= maxBytesInFlight))
                {
                    var file = files[next++];
                    inFlight += file.Size;
                    pending.Enqueue((file, ReadAsync(store, file, stop.Token)));
                }

                var (done, read) = pending.Peek();
                var (buffer, length) = await read.ConfigureAwait(false);
                pending.Dequeue();
                inFlight -= done.Size;
                held = buffer;
                yield return new Fetched(done, buffer, length);
                held = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            if (held is not null)
            {
                ArrayPool<byte>.Shared.Return(held);
            }

            // An early stop (a failure, a cancelled job) leaves reads running: stop them and give their buffers back.
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var (_, read) in pending)
            {
                try
                {
                    ArrayPool<byte>.Shared.Return((await read.ConfigureAwait(false)).Buffer);
                }
                catch (Exception)
                {
                    // Already failed or cancelled: nothing to give back, and the reason was reported (or is moot).
                }
            }
        }
    }

    private static async Task<(byte[] Buffer, int Length)> ReadAsync(IObjectStore store, ObjectInfo file, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        // One byte more than listed, so a file that grew is seen (and read whole) rather than cut at its listed size.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, file.Size + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
