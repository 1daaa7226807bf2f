using System.Collections.Concurrent;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Tests.Scoring.Backends;

/// <summary>
/// Wraps real backends (<see cref="Wrap"/>) and records how many of their runs were in progress at once, across all of
/// them. It can fail runs, by the rows they cover, as a device or a model would.
/// </summary>
internal sealed class RunRecorder
{
    // Set at the first overlap; until then a run may wait for company (see WaitForCompany).
    private readonly ManualResetEventSlim _overlapped = new();
    // The backend that scored each slot first.
    private readonly ConcurrentDictionary<ScoringBatch, IScoringBackend> _firstScorerOf = new(ReferenceEqualityComparer.Instance);
    private int _backends;
    private int _slotsShared;
    private bool _waitedInVain;
    private int _running;
    private int _mostAtOnce;
    private int _runs;

    /// <summary>
    /// How long a run waits for a second one to start before it goes on, until two have overlapped once or a wait
    /// was in vain. A 2-core machine then shows an overlap that the cursor allows, but that the scheduler might not
    /// happen to produce.
    /// </summary>
    public TimeSpan WaitForCompany { get; init; }

    /// <summary>How long each run takes on top of the real one, so that runs are still in progress when a test looks.</summary>
    public TimeSpan ExtraTime { get; init; }

    /// <summary>The exception a run of rows <c>[start, start + count)</c> of a slot throws, or null to score it.</summary>
    public Func<ScoringBatch, int, int, Exception?> FailWith { get; init; } = (_, _, _) => null;

    /// <summary>The most runs that were in progress at once.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    /// <summary>Runs in progress now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Runs started so far.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Backends wrapped so far: one per scorer.</summary>
    public int Backends => Volatile.Read(ref _backends);

    /// <summary>Slots that more than one backend scored (each would hold I/O-binding buffers for it).</summary>
    public int SlotsShared => Volatile.Read(ref _slotsShared);

    /// <summary>Whether a run of <paramref name="count"/> rows from <paramref name="start"/> covers the input row <paramref name="row"/>.</summary>
    public static bool Covers(ScoringBatch slot, int start, int count, long row) =>
        slot.RowIds.AsSpan(start, count).ToArray().Any(id => (long)id.Low == row);

    /// <summary>A backend that runs <paramref name="inner"/> and records it here.</summary>
    public IScoringBackend Wrap(IScoringBackend inner)
    {
        Interlocked.Increment(ref _backends);
        return new Recording(inner, this);
    }

    private void Run(Recording backend, IScoringBackend inner, ScoringBatch slot, int start, int count)
    {
        Interlocked.Increment(ref _runs);
        if (!ReferenceEquals(_firstScorerOf.GetOrAdd(slot, backend), backend))
        {
            Interlocked.Increment(ref _slotsShared);
        }

        var now = Interlocked.Increment(ref _running);
        try
        {
            int seen;
            while ((seen = Volatile.Read(ref _mostAtOnce)) < now && Interlocked.CompareExchange(ref _mostAtOnce, now, seen) != seen)
            {
            }

            if (now > 1)
            {
                _overlapped.Set();
            }
            else if (WaitForCompany > TimeSpan.Zero && !Volatile.Read(ref _waitedInVain) && !_overlapped.Wait(WaitForCompany))
            {
                // No second run came: the cursor does not overlap runs, and waiting again would only slow the test.
                Volatile.Write(ref _waitedInVain, true);
            }

            if (ExtraTime > TimeSpan.Zero)
            {
                Thread.Sleep(ExtraTime);
            }

            if (FailWith(slot, start, count) is { } failure)
            {
                throw failure;
            }

            inner.Run(slot, start, count);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private sealed class Recording(IScoringBackend inner, RunRecorder recorder) : IScoringBackend
    {
        public void Run(ScoringBatch slot, int start, int count) => recorder.Run(this, inner, slot, start, count);

        public void Dispose() => inner.Dispose();
    }
}
