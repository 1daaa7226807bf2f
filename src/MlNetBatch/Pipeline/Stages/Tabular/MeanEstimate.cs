namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// The running mean ML.NET's missing-value replacer computes: non-finite values are counted as missing, zeros are
/// folded in at the end, and the update order guards against overflow. The same arithmetic gives the same value.
/// </summary>
internal struct MeanEstimate
{
    private long _missing;
    private long _nonZero;
    private long _count;
    private double _mean;

    /// <summary>Adds one value of the sample.</summary>
    public void Add(double value)
    {
        _count++;
        if (value == 0)
        {
            return;
        }

        if (!double.IsFinite(value))
        {
            _missing++;
            return;
        }

        _nonZero++;
        _mean = (_mean > 0) ^ (value > 0)
            ? _mean - (_mean / _nonZero) + (value / _nonZero)
            : _mean + ((value - _mean) / _nonZero);
    }

    /// <summary>The mean; 0 when every value was missing, as ML.NET falls back to.</summary>
    public readonly double Value => _count == _missing ? 0 : _mean * ((double)_nonZero / (_count - _missing));
}
