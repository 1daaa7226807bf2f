using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>Fills a block's part columns from its timestamps; a text that does not parse takes its row out as a bad record.</summary>
internal sealed class DateTimePartsMapper(DateTimePartsBlockTransform transform, int input, int[] outputs, bool text) : IDropsRows
{
    public BlockRowDrops Drops { get; } = new();

    public void Map(RecordBatch block)
    {
        if (text)
        {
            var values = block.Column<TextColumnBuffer>(input).Values;
            for (var r = 0; r < block.RowCount; r++)
            {
                var value = values[r];
                if (value.IsEmpty)
                {
                    Write(block, r, null);
                }
                else if (transform.TryParse(value.Span, out var local))
                {
                    Write(block, r, local);
                }
                else
                {
                    Write(block, r, null);
                    Drops.Reject(r, transform.InputColumn, $"not a date-time in the format '{transform.Format}'", value.ToString());
                }
            }

            return;
        }

        var times = block.Column<ScalarColumnBuffer<DateTime>>(input).Values;
        for (var r = 0; r < block.RowCount; r++)
        {
            Write(block, r, transform.Local(times[r]));
        }
    }

    private void Write(RecordBatch block, int row, DateTimeOffset? time)
    {
        for (var i = 0; i < outputs.Length; i++)
        {
            var part = transform.Parts[i];
            if (part == DateTimePart.UnixTime)
            {
                block.Column<ScalarColumnBuffer<double>>(outputs[i]).Values[row] = time is { } t ? t.ToUnixTimeSeconds() : double.NaN;
                continue;
            }

            block.Column<ScalarColumnBuffer<float>>(outputs[i]).Values[row] = time is { } value ? Part(value, part) : float.NaN;
        }
    }

    private static float Part(DateTimeOffset time, DateTimePart part) => part switch
    {
        DateTimePart.Year => time.Year,
        DateTimePart.Month => time.Month,
        DateTimePart.Day => time.Day,
        DateTimePart.Hour => time.Hour,
        DateTimePart.Minute => time.Minute,
        DateTimePart.Second => time.Second,
        _ => (float)time.DayOfWeek,
    };
}
