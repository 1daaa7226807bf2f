using System.Runtime.CompilerServices;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Support;

/// <summary>Counts the bytes read through the streams of an inner store: what a remote store would have to fetch.</summary>
public sealed class CountingObjectStore(IObjectStore inner) : IObjectStore
{
    private long _bytesRead;
    private int _largestRead;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>The most bytes any single read asked for: how much a reader pulls into memory at once.</summary>
    public int LargestRead => Volatile.Read(ref _largestRead);

    public bool CanHandle(ObjectLocation location) => inner.CanHandle(location);

    public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var info in inner.ListAsync(prefix, cancellationToken))
        {
            yield return info;
        }
    }

    public Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.StatAsync(location, cancellationToken);

    public async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
        new CountingStream(await inner.OpenReadAsync(location, expected, cancellationToken), this);

    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.CreateAsync(location, cancellationToken);

    public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default) => inner.DeleteAsync(location, cancellationToken);

    private sealed class CountingStream(Stream inner, CountingObjectStore owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Count(count, inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(buffer.Length, await inner.ReadAsync(buffer, cancellationToken));

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

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
