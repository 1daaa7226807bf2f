using System.Text;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// Infers a text column's type from sample values. true/false words throughout make <c>bool</c>. A column is numeric
/// when at most 1% of its non-empty values are not numbers (so tolerating one stray value takes at least 100
/// values): <c>long</c> when every number is an integer and no value is empty, <c>float</c> otherwise; the strays are
/// kept as outliers and become bad records when read. Anything else is <c>string</c>, and so is a column with no
/// value at all, true/false words with an empty value, or more than 1% zero-padded numbers (<c>00042</c>: codes,
/// whose zeros a number would drop). A float column notes a value float cannot hold exactly. An explicit schema
/// overrides the guess.
/// </summary>
internal sealed class TextTypeInference
{
    /// <summary>Outliers kept per column, to show; the rest are only counted.</summary>
    public const int MaxOutliers = 5;

    private readonly List<InferenceOutlier> _outliers = [];
    private long _values;
    private long _numbers;
    private long _integers;
    private long _booleans;
    private bool _sawEmpty;
    private long _zeroPadded;
    private string? _rounded;

    /// <summary>Counts one value of row <paramref name="row"/>, whose record starts at <paramref name="offset"/>.</summary>
    public void Observe(ReadOnlySpan<byte> value, long row, long offset)
    {
        if (value.IsEmpty)
        {
            // Missing values say nothing about the type, but only floats can hold them.
            _sawEmpty = true;
            return;
        }

        _values++;
        if (System.Buffers.Text.Utf8Parser.TryParse(value, out long _, out var consumed) && consumed == value.Length)
        {
            _integers++;
            _numbers++;
            _zeroPadded += IsZeroPadded(value) ? 1 : 0;
            _rounded ??= FloatRounding.Describe(value);
        }
        else if (Utf8ValueParser.ParseFloat(value, out _) is ValueStatus.Parsed or ValueStatus.Missing)
        {
            _numbers++;
            _zeroPadded += IsZeroPadded(value) ? 1 : 0;
            _rounded ??= FloatRounding.Describe(value);
        }
        else if (_outliers.Count < MaxOutliers)
        {
            _outliers.Add(new InferenceOutlier(string.Empty, row, offset, BadRecord.Clip(Encoding.UTF8.GetString(value))!));
        }

        if (value.Length > 1 && Utf8ValueParser.TryParseBool(value, out _))
        {
            _booleans++;
        }
    }

    /// <summary>The inferred column, with its outliers when it is numeric.</summary>
    public SourceColumn Result(string name)
    {
        if (_values == 0)
        {
            // Nothing to go by: text keeps whatever later rows hold, a number type would turn it into bad records.
            return new SourceColumn(name, TextDataViewType.Instance);
        }

        if (_booleans == _values)
        {
            // A bool column cannot hold a missing value; text keeps "true", "false" and "" alike.
            return new SourceColumn(name, _sawEmpty ? TextDataViewType.Instance : BooleanDataViewType.Instance);
        }

        // Codes such as 00042 (more than the 1% of strays tolerated) would lose their zeros as numbers.
        if (_values - _numbers > _values / 100 || _zeroPadded > _values / 100)
        {
            return new SourceColumn(name, TextDataViewType.Instance);
        }

        var type = _integers == _numbers && !_sawEmpty ? NumberDataViewType.Int64 : NumberDataViewType.Single;
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
