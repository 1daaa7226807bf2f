using System.Runtime.CompilerServices;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Support;

/// <summary>
/// Wraps a store and fails every <c>n</c>-th request with a transient I/O error, and every <c>m</c>-th opened read
/// stream part-way through (of the objects <paramref name="streamsOf"/> accepts, or all): a flaky network, reproducibly.
/// </summary>
public sealed class FaultInjectingObjectStore(IObjectStore inner, int failEveryRequest, int failEveryStream, Func<ObjectLocation, bool>? streamsOf = null) : IObjectStore
{
    private int _requests;
    private int _streams;

    public int InjectedFaults;

    public bool CanHandle(ObjectLocation location) => inner.CanHandle(location);

    public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Fault();
        await foreach (var info in inner.ListAsync(prefix, cancellationToken))
        {
            yield return info;
        }
    }

    public Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        Fault();
        return inner.StatAsync(location, cancellationToken);
    }

    public async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
    {
        Fault();
        var stream = await inner.OpenReadAsync(location, expected, cancellationToken);
        return (streamsOf?.Invoke(location) ?? true) && Interlocked.Increment(ref _streams) % failEveryStream == 0 ? new FailingStream(stream, this) : stream;
    }

    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        Fault();
        return inner.CreateAsync(location, cancellationToken);
    }

    public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        Fault();
        return inner.DeleteAsync(location, cancellationToken);
    }

    public Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        Fault();
        return inner.TryCreateNewAsync(location, content, cancellationToken);
    }

    public Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default)
    {
        Fault();
        return inner.TryReplaceAsync(location, content, expectedVersion, cancellationToken);
    }

    private void Fault()
    {
        if (Interlocked.Increment(ref _requests) % failEveryRequest == 0)
        {
            Interlocked.Increment(ref InjectedFaults);
            throw new IOException("injected: connection reset by peer");
        }
    }

    /// <summary>A read stream that breaks after its first read, like a dropped connection.</summary>
    private sealed class FailingStream(Stream inner, FaultInjectingObjectStore owner) : Stream
    {
        private int _reads;

        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Break();
            return inner.Read(buffer, offset, count);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Break();
            return await inner.ReadAsync(buffer, cancellationToken);
        }

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

        private void Break()
        {
            if (++_reads == 2)
            {
                Interlocked.Increment(ref owner.InjectedFaults);
                throw new IOException("injected: connection dropped mid-read");
            }
        }
    }
}
