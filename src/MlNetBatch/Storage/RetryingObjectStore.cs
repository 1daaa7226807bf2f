using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace MlNetBatch.Storage;

/// <summary>
/// Retries each request of an inner store on transient failures, with exponential backoff and jitter (Polly).
/// Permanent failures (missing objects, access denied, changed objects) pass through at once.
/// </summary>
public sealed class RetryingObjectStore : IObjectStore
{
    private readonly IObjectStore _inner;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The store whose requests are retried.</param>
    /// <param name="maxRetries">Retries after the first attempt.</param>
    /// <param name="baseDelay">The first backoff delay; later ones grow exponentially, with jitter.</param>
    /// <param name="logger">Receives a line per retry.</param>
    public RetryingObjectStore(IObjectStore inner, int maxRetries = 4, TimeSpan? baseDelay = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        _inner = inner;
        var log = logger ?? NullLogger.Instance;
        _pipeline = maxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientFailures.IsTransient),
                MaxRetryAttempts = maxRetries,
                Delay = baseDelay ?? TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    log.LogWarning("Storage request failed ({Reason}); retry {Attempt} in {Delay}", args.Outcome.Exception?.Message, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            }).Build();
    }

    /// <summary>The store being retried.</summary>
    public IObjectStore Inner => _inner;

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location) => _inner.CanHandle(location);

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A listing is retried whole, so nothing is yielded until it has been read completely.
        var objects = await _pipeline.ExecuteAsync(async ct =>
        {
            var list = new List<ObjectInfo>();
            await foreach (var info in _inner.ListAsync(prefix, ct).ConfigureAwait(false))
            {
                list.Add(info);
            }

            return list;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var info in objects)
        {
            yield return info;
        }
    }

    /// <inheritdoc />
    public Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(ct => new ValueTask<ObjectInfo>(_inner.StatAsync(location, ct)), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(ct => new ValueTask<Stream>(_inner.OpenReadAsync(location, expected, ct)), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(ct => new ValueTask<IAtomicObjectWrite>(_inner.CreateAsync(location, ct)), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(ct => new ValueTask(_inner.DeleteAsync(location, ct)), cancellationToken).AsTask();

    /// <inheritdoc />
    public bool CanWrite => _inner.CanWrite;

    /// <inheritdoc />
    public Task RemoveAbandonedWritesAsync(ObjectLocation prefix, Func<ObjectLocation, bool> isOwned, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(ct => new ValueTask(_inner.RemoveAbandonedWritesAsync(prefix, isOwned, ct)), cancellationToken).AsTask();

    /// <inheritdoc />
    /// <remarks>A retry after an answer that was lost may find the object this writer created and return null; see <see cref="TryReplaceAsync"/>.</remarks>
    public Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(ct => new ValueTask<string?>(_inner.TryCreateNewAsync(location, content, ct)), cancellationToken).AsTask();

    /// <inheritdoc />
    /// <remarks>
    /// Retried like any request: the condition makes a repeat harmless. When the first attempt wrote but its answer was
    /// lost, the repeat finds a new version and returns null, as the interface allows; the lease and the manifest read
    /// the object back and recognise their own write.
    /// </remarks>
    public Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(ct => new ValueTask<string?>(_inner.TryReplaceAsync(location, content, expectedVersion, ct)), cancellationToken).AsTask();
}
