using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats.JsonLines;

/// <summary>
/// Infers one JSON Lines property's type from sampled values by the rule of <see cref="TypeTally"/>: a null or an
/// absent property is missing, numbers are numbers, true/false are booleans and arrays count toward a float vector.
/// </summary>
internal sealed class JsonColumnInference(string name)
{
    private readonly TypeTally _tally = new();

    /// <summary>The property name.</summary>
    public string Name => name;

    /// <summary>Counts a sampled object that lacks the property: a missing value, like null.</summary>
    public void ObserveAbsent() => _tally.Missing();

    /// <summary>Counts the value the reader is on (and skips past it), for row <paramref name="row"/> at <paramref name="offset"/>.</summary>
    public void Observe(ref Utf8JsonReader reader, long row, long offset)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                _tally.Missing();
                return;
            case JsonTokenType.Number when reader.TryGetInt64(out _):
                _tally.Number(reader.ValueSpan, integer: true);
                return;
            case JsonTokenType.Number when Utf8ValueParser.ParseFloat(reader.ValueSpan, out _) == ValueStatus.Parsed:
                _tally.Number(reader.ValueSpan, integer: false);
                return;
            case JsonTokenType.StartArray:
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    count++;
                }

                _tally.Array(count);
                break;
            default:
                _tally.NotANumber(boolean: reader.TokenType is JsonTokenType.True or JsonTokenType.False);
                break;
        }

        if (_tally.WantsOutlier)
        {
            _tally.AddOutlier(new InferenceOutlier(name, row, offset, Describe(ref reader)));
        }

        reader.Skip();
    }

    /// <summary>The inferred column, with its outliers when it is numeric.</summary>
    public SourceColumn Result() => _tally.Decide(name);

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "{…}",
        JsonTokenType.StartArray or JsonTokenType.EndArray => "[…]",
        JsonTokenType.String => BadRecord.Clip(reader.GetString())!,
        _ => BadRecord.Clip(Encoding.UTF8.GetString(reader.ValueSpan))!,
    };
}
