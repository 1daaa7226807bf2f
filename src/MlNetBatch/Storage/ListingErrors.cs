using System.Runtime.CompilerServices;

namespace MlNetBatch.Storage;

/// <summary>Translates the SDK failures a paged listing throws while it is being enumerated (a C# iterator cannot catch around <c>yield</c>).</summary>
public static class ListingErrors
{
    /// <summary>Enumerates <paramref name="source"/>, throwing <paramref name="translate"/>'s exception for each failure <paramref name="shouldTranslate"/> accepts.</summary>
    public static async IAsyncEnumerable<T> Translated<T>(
        this IAsyncEnumerable<T> source, Func<Exception, bool> shouldTranslate, Func<Exception, Exception> translate,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        await using var items = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            T item;
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                item = items.Current;
            }
            catch (Exception e) when (shouldTranslate(e))
            {
                throw translate(e);
            }

            yield return item;
        }
    }
}
