using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.JsonLines;

/// <summary>
/// Infers one JSON Lines property's type from sampled values, by the rule of <see cref="TextTypeInference"/>: numeric
/// when at most 1% of its non-null values are not numbers (those kept as outliers), <c>long</c> when every number is
/// an integer; <c>bool</c> when every value is a boolean; a float vector when every value is an array (its length
/// from the first non-empty one); <c>string</c> otherwise. Nulls say nothing about the type.
/// </summary>
internal sealed class JsonColumnInference(string name)
{
    private string? _rounded;
    private bool _sawNull;
    private readonly List<InferenceOutlier> _outliers = [];
    private long _values;
    private long _numbers;
    private long _integers;
    private long _booleans;
    private long _arrays;
    private int _arrayLength;

    /// <summary>The property name.</summary>
    public string Name => name;

    /// <summary>Counts a sampled object that lacks the property: a missing value, like null.</summary>
    public void ObserveAbsent() => _sawNull = true;

    /// <summary>Counts the value the reader is on (and skips past it), for row <paramref name="row"/> at <paramref name="offset"/>.</summary>
    public void Observe(ref Utf8JsonReader reader, long row, long offset)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            // Says nothing about the type, but only float, double and text columns can hold a missing value.
            _sawNull = true;
            return;
        }

        _values++;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out _):
                _integers++;
                _numbers++;
                _rounded ??= FloatRounding.Describe(reader.ValueSpan);
                return;
            case JsonTokenType.Number when Utf8ValueParser.ParseFloat(reader.ValueSpan, out _) == ValueStatus.Parsed:
                _numbers++;
                _rounded ??= FloatRounding.Describe(reader.ValueSpan);
                return;
            case JsonTokenType.True or JsonTokenType.False:
                _booleans++;
                break;
            case JsonTokenType.StartArray:
                _arrays++;
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    count++;
                }

                _arrayLength = _arrayLength == 0 ? count : _arrayLength;
                break;
        }

        if (_outliers.Count < TextTypeInference.MaxOutliers)
        {
            _outliers.Add(new InferenceOutlier(name, row, offset, Describe(ref reader)));
        }

        reader.Skip();
    }

    /// <summary>The inferred column, with its outliers when it is numeric.</summary>
    public SourceColumn Result()
    {
        if (_values == 0)
        {
            // Only nulls: text keeps whatever later rows hold (numbers as their text), a number type could not.
            return new SourceColumn(name, TextDataViewType.Instance);
        }

        if (_booleans == _values)
        {
            return new SourceColumn(name, _sawNull ? TextDataViewType.Instance : BooleanDataViewType.Instance);
        }

        if (_arrays == _values)
        {
            return new SourceColumn(name, _arrayLength > 0 ? new VectorDataViewType(NumberDataViewType.Single, _arrayLength) : NumberDataViewType.Single);
        }

        if (_values - _numbers > _values / 100)
        {
            return new SourceColumn(name, TextDataViewType.Instance);
        }

        var type = _integers == _numbers && !_sawNull ? NumberDataViewType.Int64 : NumberDataViewType.Single;
        return new SourceColumn(name, type) { Outliers = _outliers.ToList(), RoundedExample = type == NumberDataViewType.Single ? _rounded : null };
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "{…}",
        JsonTokenType.StartArray or JsonTokenType.EndArray => "[…]",
        JsonTokenType.String => BadRecord.Clip(reader.GetString())!,
        _ => BadRecord.Clip(Encoding.UTF8.GetString(reader.ValueSpan))!,
    };
}
