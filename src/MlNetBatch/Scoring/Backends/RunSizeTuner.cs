using System.Diagnostics;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// Chooses the rows per run on a GPU when the batch size is automatic. It starts small and doubles while rows per
/// second improve by at least <see cref="MinimumGain"/>; when they stop improving, or the device runs out of memory,
/// it settles on the best size seen. Shared by every cursor of a model, so all their runs count.
/// </summary>
internal sealed class RunSizeTuner
{
    /// <summary>How much faster a doubled batch must be to keep growing: below it, the extra memory buys nothing.</summary>
    public const double MinimumGain = 0.05;

    private readonly object _lock = new();
    private readonly int _samplesPerSize;
    private int _maximum;
    private int _current;
    private int _best;
    private double _bestRowsPerSecond;
    // The first run at a new size is slower (kernel selection, arena growth): it is not measured.
    private bool _warmedUp;
    private int _samples;
    private long _sampleRows;
    private long _sampleTicks;

    /// <param name="initial">The first size tried.</param>
    /// <param name="maximum">The largest size: the rows a slot holds.</param>
    /// <param name="samplesPerSize">Measured runs per size, after one warm-up run.</param>
    public RunSizeTuner(int initial, int maximum, int samplesPerSize = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initial, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerSize, 1);
        _maximum = maximum;
        _current = Math.Min(initial, maximum);
        _best = _current;
        _samplesPerSize = samplesPerSize;
    }

    /// <summary>Rows the next run should take.</summary>
    public int RunRows
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Whether the size is chosen and no longer changes (except after running out of memory).</summary>
    public bool Settled { get; private set; }

    /// <summary>Records a finished run of <paramref name="rows"/> rows that took <paramref name="elapsedTicks"/> <see cref="Stopwatch"/> ticks.</summary>
    public void Record(int rows, long elapsedTicks)
    {
        lock (_lock)
        {
            // Runs of another size (a slot's last rows, halves after running out of memory) say nothing about this one.
            if (Settled || rows != _current)
            {
                return;
            }

            if (!_warmedUp)
            {
                _warmedUp = true;
                return;
            }

            _samples++;
            _sampleRows += rows;
            _sampleTicks += Math.Max(1, elapsedTicks);
            if (_samples < _samplesPerSize)
            {
                return;
            }

            var rowsPerSecond = _sampleRows * (double)Stopwatch.Frequency / _sampleTicks;
            var improved = rowsPerSecond >= _bestRowsPerSecond * (1 + MinimumGain);
            if (improved)
            {
                (_best, _bestRowsPerSecond) = (_current, rowsPerSecond);
            }

            if (improved && _current < _maximum)
            {
                MoveTo(Math.Min(_maximum, _current * 2));
            }
            else
            {
                Settle(_best);
            }
        }
    }

    /// <summary>A run of <paramref name="rows"/> rows ran out of memory: never try that many again, and settle below it.</summary>
    public void OutOfMemory(int rows)
    {
        lock (_lock)
        {
            _maximum = Math.Max(1, Math.Min(_maximum, rows / 2));
            Settle(Math.Min(_best, _maximum));
        }
    }

    private void MoveTo(int size)
    {
        _current = size;
        (_warmedUp, _samples, _sampleRows, _sampleTicks) = (false, 0, 0, 0);
    }

    private void Settle(int size)
    {
        _best = size;
        MoveTo(size);
        Settled = true;
    }
}
