using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// The counts behind schema inference, and the one rule that turns them into a column type, shared by CSV and JSON
/// Lines (each format only says what kind of value it saw). A column is numeric when at most 1% of its values are
/// not numbers (so tolerating one stray value takes at least 100 values): <c>long</c> when every number is an
/// integer and none is missing, <c>float</c> otherwise; the strays are kept as outliers and become bad records when
/// read. All booleans make <c>bool</c>, all arrays a float vector. Anything else is <c>string</c>, and so is a column
/// with no value at all, booleans with a missing value, or more than 1% zero-padded numbers (<c>00042</c>: codes,
/// whose zeros a number would drop). A float column notes a value float cannot hold exactly.
/// </summary>
internal sealed class TypeTally
{
    /// <summary>Outliers kept per column, to show; the rest are only counted.</summary>
    public const int MaxOutliers = 5;

    private readonly List<InferenceOutlier> _outliers = [];
    private long _values;
    private long _numbers;
    private long _integers;
    private long _booleans;
    private long _arrays;
    private long _zeroPadded;
    private int _arrayLength;
    private bool _sawMissing;
    private string? _rounded;

    /// <summary>Whether another outlier would be kept (so that the caller describes the value only then).</summary>
    public bool WantsOutlier => _outliers.Count < MaxOutliers;

    /// <summary>Counts a missing value: it says nothing about the type, but only float, double and text can hold it.</summary>
    public void Missing() => _sawMissing = true;

    /// <summary>Counts a number written as <paramref name="text"/>.</summary>
    public void Number(ReadOnlySpan<byte> text, bool integer)
    {
        _values++;
        _numbers++;
        _integers += integer ? 1 : 0;
        _zeroPadded += IsZeroPadded(text) ? 1 : 0;
        _rounded ??= FloatRounding.Describe(text);
    }

    /// <summary>Counts a value that is not a number (a boolean, an array, text); add it with <see cref="AddOutlier"/> if wanted.</summary>
    public void NotANumber(bool boolean = false)
    {
        _values++;
        _booleans += boolean ? 1 : 0;
    }

    /// <summary>Counts an array of <paramref name="length"/> items; the first non-empty one sets a vector's length.</summary>
    public void Array(int length)
    {
        NotANumber();
        _arrays++;
        _arrayLength = _arrayLength == 0 ? length : _arrayLength;
    }

    /// <summary>Keeps a value that is not a number, to show; it becomes a bad record if the column ends up numeric.</summary>
    public void AddOutlier(InferenceOutlier outlier)
    {
        if (WantsOutlier)
        {
            _outliers.Add(outlier);
        }
    }

    /// <summary>The inferred column, with its outliers and rounding note when it is numeric.</summary>
    public SourceColumn Decide(string name)
    {
        if (_values == 0)
        {
            // Nothing to go by: text keeps whatever later rows hold, a number type would turn it into bad records.
            return new SourceColumn(name, TextDataViewType.Instance);
        }

        if (_booleans == _values)
        {
            // A bool column cannot hold a missing value; text keeps "true", "false" and "" alike.
            return new SourceColumn(name, _sawMissing ? TextDataViewType.Instance : BooleanDataViewType.Instance);
        }

        if (_arrays == _values)
        {
            return new SourceColumn(name, _arrayLength > 0 ? new VectorDataViewType(NumberDataViewType.Single, _arrayLength) : NumberDataViewType.Single);
        }

        if (_values - _numbers > _values / 100 || _zeroPadded > _values / 100)
        {
            return new SourceColumn(name, TextDataViewType.Instance);
        }

        var type = _integers == _numbers && !_sawMissing ? NumberDataViewType.Int64 : NumberDataViewType.Single;
        return new SourceColumn(name, type)
        {
            Outliers = _outliers.Select(o => o with { Column = name }).ToList(),
            RoundedExample = type == NumberDataViewType.Single ? _rounded : null,
        };
    }

    /// <summary>"007", "-042", "00.5": a leading zero followed by another digit.</summary>
    private static bool IsZeroPadded(ReadOnlySpan<byte> value)
    {
        var digits = value.Length > 0 && value[0] is (byte)'-' or (byte)'+' ? value[1..] : value;
        return digits.Length > 1 && digits[0] == (byte)'0' && char.IsAsciiDigit((char)digits[1]);
    }
}
