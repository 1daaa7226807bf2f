namespace MlNetBatch.Storage;

/// <summary>
/// The blocks fetched in the background ahead of a sequential reader: at most a fixed number, in file order, each
/// starting where the previous one ends. Memory is bounded by that number of blocks.
/// </summary>
internal sealed class BlockReadAhead(int maxBlocks, Func<long, CancellationToken, Task<FetchedBlock>> fetch) : IDisposable
{
    private readonly Queue<(long Offset, long End, Task<FetchedBlock> Fetch)> _pending = new();

    // Cancels the fetches in flight when the reader jumps away or the stream is disposed.
    private CancellationTokenSource _cancellation = new();

    /// <summary>The fetch of the block at <paramref name="offset"/> when it is next in line; otherwise null, and everything ahead is dropped.</summary>
    public Task<FetchedBlock>? Take(long offset)
    {
        if (_pending.TryPeek(out var next) && next.Offset == offset)
        {
            return _pending.Dequeue().Fetch;
        }

        Drop();
        return null;
    }

    /// <summary>Starts fetching the blocks after <paramref name="end"/> until <c>maxBlocks</c> are in flight or the object ends.</summary>
    public void TopUp(long end, long length, int blockSize)
    {
        var next = _pending.Count > 0 ? _pending.Last().End : end;
        var token = _cancellation.Token;
        while (_pending.Count < maxBlocks && next < length)
        {
            var offset = next;
            // Task.Run: the provider's request must not start on, or block, the reader's thread.
            _pending.Enqueue((offset, Math.Min(offset + blockSize, length), Task.Run(() => fetch(offset, token), token)));
            next = Math.Min(offset + blockSize, length);
        }
    }

    /// <summary>Cancels and forgets every block in flight.</summary>
    public void Drop()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        _cancellation.Cancel();
        _cancellation.Dispose();
        _cancellation = new CancellationTokenSource();
        while (_pending.TryDequeue(out var pending))
        {
            Forget(pending.Fetch);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Drop();
        _cancellation.Dispose();
    }

    /// <summary>
    /// Lets a fetch nobody will read finish on its own: its buffer goes back to the pool once it is no longer written to,
    /// and its failure is observed so that it never surfaces as an unobserved task exception.
    /// </summary>
    public static void Forget(Task<FetchedBlock> fetch) => fetch.ContinueWith(
        static t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                t.Result.Release();
            }
            else
            {
                _ = t.Exception;
            }
        },
        CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);
}
