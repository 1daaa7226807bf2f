using System.Collections.Concurrent;
using MlNetBatch.Jobs.Progress;

namespace MlNetBatch.Diagnostics;

/// <summary>
/// The stage meters of one job run, ambient on the run's flow: cursors and stores know nothing of jobs, so they find
/// the run they work for here when they are created (it flows into their background tasks) and keep their meter.
/// Code outside a job run finds none and measures nothing.
/// </summary>
internal sealed class RunTelemetry
{
    private static readonly AsyncLocal<RunTelemetry?> Ambient = new();
    private static readonly ConcurrentDictionary<RunTelemetry, byte> Live = new();
    private readonly Dictionary<object, StageMeter> _preprocess = new(ReferenceEqualityComparer.Instance);
    private readonly List<StageMeter> _preprocessOrder = [];
    private readonly StageMeter _read;
    private readonly StageMeter _score;
    private readonly StageMeter _write;

    private RunTelemetry(string job)
    {
        Job = job;
        JobTag = new KeyValuePair<string, object?>(StageInstruments.JobTag, job);
        _read = new StageMeter(StageNames.Read, StageInstruments.RowsRead, JobTag);
        _score = new StageMeter(StageNames.Score, StageInstruments.RowsScored, JobTag);
        _write = new StageMeter(StageNames.Write, StageInstruments.RowsWritten, JobTag);
    }

    /// <summary>The run on this flow, or null outside a job run.</summary>
    public static RunTelemetry? Current => Ambient.Value;

    /// <summary>The runs in progress in this process, for the queue gauges.</summary>
    public static IEnumerable<RunTelemetry> Running => Live.Keys;

    /// <summary>The job's name.</summary>
    public string Job { get; }

    /// <summary>The metric tag naming the job.</summary>
    public KeyValuePair<string, object?> JobTag { get; }

    /// <summary>The read stage, taken by a reading cursor.</summary>
    public StageMeter Read => Use(_read);

    /// <summary>The score stage, taken by a scoring cursor.</summary>
    public StageMeter Score => Use(_score);

    /// <summary>The write stage, taken by a writer.</summary>
    public StageMeter Write => Use(_write);

    /// <summary>Rows read so far, for progress.</summary>
    public long RowsRead => _read.Rows;

    /// <summary>The stages in pipeline order: read, the preprocess steps, score, write; those no cursor took are left out.</summary>
    public IReadOnlyList<StageMeter> Meters
    {
        get
        {
            lock (_preprocess)
            {
                return [.. new[] { _read }.Concat(_preprocessOrder).Append(_score).Append(_write).Where(m => m.Used)];
            }
        }
    }

    /// <summary>Makes a run of <paramref name="job"/> ambient on this flow until the scope is disposed.</summary>
    public static Scope Start(string job)
    {
        var run = new RunTelemetry(job);
        var previous = Ambient.Value;
        Ambient.Value = run;
        Live[run] = 0;
        return new Scope(run, previous);
    }

    /// <summary>
    /// The stage of a preprocess step. Each partition's cursors ask again; the fitted transform, shared by them,
    /// identifies the step, and a second step of the same kind is named with its position (<c>Concatenate#2</c>).
    /// </summary>
    public StageMeter Preprocess(object step, string name)
    {
        lock (_preprocess)
        {
            if (!_preprocess.TryGetValue(step, out var meter))
            {
                var same = _preprocessOrder.Count(m => m.Name == name || m.Name.StartsWith(name + "#", StringComparison.Ordinal));
                meter = new StageMeter(same == 0 ? name : $"{name}#{same + 1}", null, JobTag) { Used = true };
                _preprocess.Add(step, meter);
                _preprocessOrder.Add(meter);
            }

            return meter;
        }
    }

    /// <summary>The stages' totals so far, in pipeline order.</summary>
    public IReadOnlyList<StageStats> Snapshot() => [.. Meters.Select(m => m.Snapshot())];

    private static StageMeter Use(StageMeter meter)
    {
        meter.Used = true;
        return meter;
    }

    /// <summary>Ends the run's ambient scope and its gauges.</summary>
    public readonly struct Scope(RunTelemetry run, RunTelemetry? previous) : IDisposable
    {
        /// <summary>The run.</summary>
        public RunTelemetry Run => run;

        /// <inheritdoc />
        public void Dispose()
        {
            Live.TryRemove(run, out _);
            Ambient.Value = previous;
        }
    }
}
