using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Tests.Scoring.Backends;

/// <summary>
/// A backend that runs nothing: it records each range it is asked to score and what was running at the same time,
/// and throws what <see cref="FailWith"/> says for a range.
/// </summary>
internal sealed class FakeScoringBackend : IScoringBackend
{
    private readonly List<(int Start, int Count)> _runs = [];
    private int _running;
    private int _mostAtOnce;

    /// <summary>The exception a run of [start, start + count) throws, or null for success.</summary>
    public Func<int, int, Exception?> FailWith { get; init; } = (_, _) => null;

    /// <summary>How long each run takes.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Every range asked for, in order.</summary>
    public IReadOnlyList<(int Start, int Count)> Runs
    {
        get
        {
            lock (_runs)
            {
                return _runs.ToList();
            }
        }
    }

    /// <summary>The ranges that scored.</summary>
    public List<(int Start, int Count)> Succeeded { get; } = [];

    /// <summary>The most runs that were inside this backend at once.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public void Run(ScoringBatch slot, int start, int count)
    {
        var now = Interlocked.Increment(ref _running);
        try
        {
            InterlockedMax(ref _mostAtOnce, now);
            lock (_runs)
            {
                _runs.Add((start, count));
            }

            if (Duration > TimeSpan.Zero)
            {
                Thread.Sleep(Duration);
            }

            if (FailWith(start, count) is { } failure)
            {
                throw failure;
            }

            lock (_runs)
            {
                Succeeded.Add((start, count));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose()
    {
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
