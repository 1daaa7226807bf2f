using System.Text;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// Infers a text (CSV) column's type from sample values by the rule of <see cref="TypeTally"/>: an empty field is
/// missing, true/false words are booleans, and an explicit schema overrides the guess.
/// </summary>
internal sealed class TextTypeInference
{
    private readonly TypeTally _tally = new();

    /// <summary>Counts one value of row <paramref name="row"/>, whose record starts at <paramref name="offset"/>.</summary>
    public void Observe(ReadOnlySpan<byte> value, long row, long offset)
    {
        if (value.IsEmpty)
        {
            _tally.Missing();
            return;
        }

        if (System.Buffers.Text.Utf8Parser.TryParse(value, out long _, out var consumed) && consumed == value.Length)
        {
            _tally.Number(value, integer: true);
            return;
        }

        if (Utf8ValueParser.ParseFloat(value, out _) is ValueStatus.Parsed or ValueStatus.Missing)
        {
            _tally.Number(value, integer: false);
            return;
        }

        _tally.NotANumber(boolean: value.Length > 1 && Utf8ValueParser.TryParseBool(value, out _));
        if (_tally.WantsOutlier)
        {
            _tally.AddOutlier(new InferenceOutlier(string.Empty, row, offset, BadRecord.Clip(Encoding.UTF8.GetString(value))!));
        }
    }

    /// <summary>The inferred column, with its outliers when it is numeric.</summary>
    public SourceColumn Result(string name) => _tally.Decide(name);
}
