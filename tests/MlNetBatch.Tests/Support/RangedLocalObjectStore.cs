using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Support;

/// <summary>
/// Local files read the way cloud objects are: through a <see cref="RangedObjectStream"/> of small blocks with no
/// read-ahead, counting the bytes its range requests fetch.
/// </summary>
public sealed class RangedLocalObjectStore(int blockSize) : ForwardingObjectStore(new LocalObjectStore())
{
    private long _bytesFetched;
    private int _requests;

    /// <summary>Bytes the range requests fetched: what a cloud store would have sent.</summary>
    public long BytesFetched => Interlocked.Read(ref _bytesFetched);

    /// <summary>Range requests made.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public override async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
    {
        var current = await Inner.StatAsync(location, cancellationToken);
        ObjectVersion.ThrowIfChanged(expected, current);
        return new RangedObjectStream(location, current.Size, ReadRange(location), blockSize, readAheadBytes: 0);
    }

    private RangedObjectStream.ReadRange ReadRange(ObjectLocation location) => async (offset, destination, cancellationToken) =>
    {
        using var handle = File.OpenHandle(location.LocalPath);
        var read = await RandomAccess.ReadAsync(handle, destination, offset, cancellationToken);
        Interlocked.Add(ref _bytesFetched, read);
        Interlocked.Increment(ref _requests);
        return read;
    };
}
