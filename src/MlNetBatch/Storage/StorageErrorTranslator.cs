namespace MlNetBatch.Storage;

/// <summary>
/// A provider's translation of its SDK's failures into <see cref="StorageException"/>s, and the one way a request is
/// wrapped with it: the provider says what a failure means, the core decides when to ask and what a failed
/// precondition means for a create or a pinned read.
/// </summary>
public abstract class StorageErrorTranslator
{
    /// <summary>The exception to throw for <paramref name="exception"/>, a failed request about <paramref name="location"/>.</summary>
    public abstract StorageException Translate(Exception exception, ObjectLocation location);

    /// <summary>Whether <paramref name="exception"/> is a failure to translate rather than a cancellation the caller asked for or an error already in our terms.</summary>
    public virtual bool ShouldTranslate(Exception exception, CancellationToken cancellationToken) =>
        exception is not StorageException && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>Whether <paramref name="exception"/> says that a condition sent with the request (If-Match, If-None-Match, a generation) did not hold.</summary>
    public virtual bool IsPreconditionFailure(Exception exception) => false;

    /// <summary>Awaits <paramref name="request"/>, throwing the translation of its failure.</summary>
    public async Task<T> RunAsync<T>(ObjectLocation location, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (Exception e) when (ShouldTranslate(e, cancellationToken))
        {
            throw Translate(e, location);
        }
    }

    /// <summary>Awaits <paramref name="request"/>, throwing the translation of its failure.</summary>
    public Task RunAsync(ObjectLocation location, Func<Task> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(location, async () =>
        {
            await request().ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Awaits a write sent on a condition (If-None-Match, If-Match, a generation): its result, or null when the
    /// condition did not hold or, for a replacement, the object is gone.
    /// </summary>
    public async Task<T?> TryConditionalAsync<T>(ObjectLocation location, Func<Task<T>> request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (Exception e) when (IsPreconditionFailure(e))
        {
            return null;
        }
        catch (Exception e) when (ShouldTranslate(e, cancellationToken))
        {
            var translated = Translate(e, location);
            return translated is ObjectNotFoundException ? null : throw translated;
        }
    }

    /// <summary>
    /// Awaits a read pinned to one version of the object. A failed precondition, or no object at all, means that version
    /// is gone: <see cref="VersionMismatchException"/>, which the ranged stream turns into a description of the change.
    /// </summary>
    public async Task<T> ReadPinnedAsync<T>(ObjectLocation location, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (Exception e) when (IsPreconditionFailure(e))
        {
            throw new VersionMismatchException(location, e);
        }
        catch (Exception e) when (ShouldTranslate(e, cancellationToken))
        {
            var translated = Translate(e, location);
            throw translated is ObjectNotFoundException ? new VersionMismatchException(location, e) : translated;
        }
    }

    /// <summary>Enumerates a paged <paramref name="listing"/> of <paramref name="prefix"/>, throwing the translation of a page's failure.</summary>
    public IAsyncEnumerable<T> Translated<T>(ObjectLocation prefix, IAsyncEnumerable<T> listing, CancellationToken cancellationToken) =>
        listing.Translated(e => ShouldTranslate(e, cancellationToken), e => Translate(e, prefix), cancellationToken);
}
