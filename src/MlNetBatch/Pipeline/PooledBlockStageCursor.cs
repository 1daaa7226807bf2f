using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using MlNetBatch.Data;

namespace MlNetBatch.Pipeline;

/// <summary>
/// Maps blocks on the worker pool, several at a time: a dispatcher reads input blocks and posts them to the pool
/// while the consumer reads finished ones. A fixed number of blocks circulates (taken from the input, mapped, read,
/// released), which bounds memory and stops the dispatcher when the consumer falls behind.
/// </summary>
internal sealed class PooledBlockStageCursor : BlockStageCursor, Diagnostics.IQueueProbe
{
    private readonly BlockWorkerPool _pool;
    private readonly bool _ordered;
    private readonly ConcurrentBag<StageBlock> _free = [];
    // Counts free blocks: the dispatcher waits on it, so at most MaxBlocksInFlight are out at a time.
    private readonly SemaphoreSlim _freeCount;
    // Ordered: blocks in dispatch order, awaited one by one. Unordered: blocks as they finish.
    private readonly Channel<StageBlock> _ready = Channel.CreateUnbounded<StageBlock>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _dispatcher;
    // The dispatcher's own count plus the blocks on the pool; the unordered channel completes when it reaches zero.
    private int _pending = 1;
    private int _inFlight;
    private int _peakInFlight;
    private ExceptionDispatchInfo? _inputFailure;
    private readonly int _blocks;

    public PooledBlockStageCursor(BlockStageDataView view, StageInput input, bool[] active, BlockStageOptions options)
        : base(view, input, active)
    {
        _pool = BlockWorkerPool.Shared(options.ResolvedWorkerThreads);
        _ordered = options.PreserveOrder;
        var blocks = options.ResolvedMaxBlocksInFlight;
        for (var i = 0; i < blocks; i++)
        {
            _free.Add(CreateBlock());
        }

        _freeCount = new SemaphoreSlim(blocks);
        _blocks = blocks;
        Meter?.Watch(this);
        _dispatcher = Task.Factory.StartNew(Dispatch, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The most blocks this cursor held at once (for tests of the bound).</summary>
    internal int PeakBlocksInFlight => Volatile.Read(ref _peakInFlight);

    protected override bool IsStopped => _dispatcher.IsCompleted;

    int Diagnostics.IQueueProbe.Depth => Volatile.Read(ref _inFlight);

    int Diagnostics.IQueueProbe.Capacity => _blocks;

    public override void Completed(StageBlock block)
    {
        if (!_ordered)
        {
            _ready.Writer.TryWrite(block);
        }

        Finish();
    }

    protected override bool TryTakeNextBatch(out RecordBatch batch)
    {
        batch = null!;
        StageBlock? block;
        while (!_ready.Reader.TryRead(out block))
        {
            var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
            var more = _ready.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();
            // The consumer (the next stage) waited for a mapped block: it is blocked on its input.
            Diagnostics.StageClock.WaitedForInput(waiting);
            if (!more)
            {
                _inputFailure?.Throw();
                return false;
            }
        }

        if (_ordered && !block.Done.IsSet)
        {
            var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
            block.Done.Wait();
            Diagnostics.StageClock.WaitedForInput(waiting);
        }

        batch = Deliver(block);
        return true;
    }

    protected override void ReleaseBatch(RecordBatch batch)
    {
        var block = BlockOf(batch);
        Release(block);
        Interlocked.Decrement(ref _inFlight);
        _free.Add(block);
        _freeCount.Release();
    }

    protected override void StopStages()
    {
        Meter?.Forget(this);
        _stop.Cancel();
        _dispatcher.Wait();
        // Blocks already on the pool are skipped (Stopping is set) but must finish before their buffers go back.
        foreach (var block in _ready.Reader.ReadAllAsync().ToBlockingEnumerable())
        {
            block.Done.Wait();
        }

        _stop.Dispose();
    }

    private void Dispatch()
    {
        try
        {
            while (true)
            {
                if (!_freeCount.Wait(0))
                {
                    // Every block is out: the consumer has not given any back, so the stage waits for room downstream.
                    var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
                    _freeCount.Wait(_stop.Token);
                    Diagnostics.StageClock.WaitedForOutput(Meter, waiting);
                }

                _free.TryTake(out var block);
                if (!Fill(block!))
                {
                    _free.Add(block!);
                    break;
                }

                var inFlight = Interlocked.Increment(ref _inFlight);
                if (inFlight > Volatile.Read(ref _peakInFlight))
                {
                    Volatile.Write(ref _peakInFlight, inFlight);
                }

                block!.Done.Reset();
                Interlocked.Increment(ref _pending);
                if (_ordered)
                {
                    _ready.Writer.TryWrite(block);
                }

                _pool.Post(block);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A read failure reaches the consumer after the blocks read before it, as it would without the stage.
            _inputFailure = ExceptionDispatchInfo.Capture(e);
        }

        if (_ordered)
        {
            _ready.Writer.TryComplete();
        }

        Finish();
    }

    /// <summary>Reads the next input block on the dispatcher, in a span of this stage: its waits for the input are the stage's.</summary>
    private bool Fill(StageBlock block)
    {
        var span = Diagnostics.StageClock.Begin(Meter);
        try
        {
            return TryFill(block);
        }
        finally
        {
            Diagnostics.StageClock.End(span, 0);
        }
    }

    private void Finish()
    {
        if (Interlocked.Decrement(ref _pending) == 0 && !_ordered)
        {
            _ready.Writer.TryComplete();
        }
    }
}
