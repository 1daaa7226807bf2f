using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Support;

/// <summary>Counts the bytes read through the streams of an inner store: what a remote store would have to fetch.</summary>
public sealed class CountingObjectStore(IObjectStore inner) : ForwardingObjectStore(inner)
{
    private long _bytesRead;
    private int _largestRead;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>The most bytes any single read asked for: how much a reader pulls into memory at once.</summary>
    public int LargestRead => Volatile.Read(ref _largestRead);

    public override async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
        new CountingStream(await Inner.OpenReadAsync(location, expected, cancellationToken), this);

    private sealed class CountingStream(Stream inner, CountingObjectStore owner) : ForwardingReadStream(inner)
    {
        public override int Read(byte[] buffer, int offset, int count) => Count(count, Inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(buffer.Length, await Inner.ReadAsync(buffer, cancellationToken));

        private int Count(int asked, int read)
        {
            Interlocked.Add(ref owner._bytesRead, read);
            int largest;
            while (asked > (largest = Volatile.Read(ref owner._largestRead)) && Interlocked.CompareExchange(ref owner._largestRead, asked, largest) != largest)
            {
            }

            return read;
        }
    }
}
