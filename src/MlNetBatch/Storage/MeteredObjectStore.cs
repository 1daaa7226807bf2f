using System.Diagnostics.Metrics;
using MlNetBatch.Diagnostics;

namespace MlNetBatch.Storage;

/// <summary>
/// Counts the bytes a job run reads from and writes to a store, per scheme (<c>file</c>, <c>s3</c>, <c>az</c>,
/// <c>gs</c>, <c>https</c>): a decorator around the store a run's input is read and output written through.
/// Bytes are counted per read or write call on the streams it opens; everything else passes through.
/// </summary>
internal sealed class MeteredObjectStore : IObjectStore
{
    /// <summary>The tag naming the store's scheme.</summary>
    public const string SchemeTag = "mlnetbatch.store.scheme";

    private static readonly Counter<long> BytesRead = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.storage.bytes.read", "By", "Bytes job runs read from storage, per scheme.");

    private static readonly Counter<long> BytesWritten = MlNetBatchTelemetry.Meter.CreateCounter<long>(
        "mlnetbatch.storage.bytes.written", "By", "Bytes job runs wrote to storage (outputs, quarantine, manifests, leases), per scheme.");

    private readonly IObjectStore _inner;
    private readonly ByteCounter _reads;
    private readonly ByteCounter _writes;

    private MeteredObjectStore(IObjectStore inner, string scheme, RunTelemetry run, StageMeter? readStage)
    {
        _inner = inner;
        var tag = new KeyValuePair<string, object?>(SchemeTag, scheme);
        _reads = new ByteCounter(BytesRead, run.JobTag, tag, readStage);
        _writes = new ByteCounter(BytesWritten, run.JobTag, tag, null);
    }

    /// <summary>
    /// <paramref name="store"/>, counted for the job run on this flow; the store itself outside a run. Bytes read
    /// through it are the read stage's when <paramref name="input"/> says it serves the job's input.
    /// </summary>
    public static IObjectStore For(IObjectStore store, ObjectLocation location, bool input)
    {
        ArgumentNullException.ThrowIfNull(store);
        return RunTelemetry.Current is { } run && store is not MeteredObjectStore
            ? new MeteredObjectStore(store, location.Scheme, run, input ? run.Read : null)
            : store;
    }

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location) => _inner.CanHandle(location);

    /// <inheritdoc />
    public bool CanWrite => _inner.CanWrite;

    /// <inheritdoc />
    public IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);

    /// <inheritdoc />
    public Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default) => _inner.StatAsync(location, cancellationToken);

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
        new MeteredReadStream(await _inner.OpenReadAsync(location, expected, cancellationToken).ConfigureAwait(false), _reads);

    /// <inheritdoc />
    public async Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        new MeteredAtomicWrite(await _inner.CreateAsync(location, cancellationToken).ConfigureAwait(false), _writes);

    /// <inheritdoc />
    public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default) => _inner.DeleteAsync(location, cancellationToken);

    /// <inheritdoc />
    public Task RemoveAbandonedWritesAsync(ObjectLocation prefix, Func<ObjectLocation, bool> isOwned, CancellationToken cancellationToken = default) =>
        _inner.RemoveAbandonedWritesAsync(prefix, isOwned, cancellationToken);

    /// <inheritdoc />
    public async Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        Counted(await _inner.TryCreateNewAsync(location, content, cancellationToken).ConfigureAwait(false), content.Length);

    /// <inheritdoc />
    public async Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
        Counted(await _inner.TryReplaceAsync(location, content, expectedVersion, cancellationToken).ConfigureAwait(false), content.Length);

    // The inner store's own conditional write (leases rely on it being atomic), counted when it wrote.
    private string? Counted(string? version, int bytes)
    {
        if (version is not null)
        {
            _writes.Add(bytes);
        }

        return version;
    }
}

/// <summary>Adds bytes to a counter tagged with the job and the scheme, and to a stage, if any.</summary>
internal sealed class ByteCounter(Counter<long> counter, KeyValuePair<string, object?> job, KeyValuePair<string, object?> scheme, StageMeter? stage)
{
    /// <summary>Counts <paramref name="bytes"/> bytes.</summary>
    public void Add(long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        counter.Add(bytes, job, scheme);
        stage?.AddBytes(bytes);
    }
}
