using System.Globalization;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>Fills a block's part columns from its timestamps; a text that does not parse takes its row out as a bad record.</summary>
internal sealed class DateTimePartsMapper(DateTimePartsBlockTransform transform, int input, int[] outputs, bool text) : IDropsRows
{
    // The part columns' arrays for the block being mapped, looked up once per block rather than per row.
    private readonly float[]?[] _floats = new float[outputs.Length][];
    private readonly double[]?[] _doubles = new double[outputs.Length][];

    public BlockRowDrops Drops { get; } = new();

    public void Map(RecordBatch block)
    {
        for (var i = 0; i < outputs.Length; i++)
        {
            var unix = transform.Parts[i] == DateTimePart.UnixTime;
            _floats[i] = unix ? null : block.Column<ScalarColumnBuffer<float>>(outputs[i]).Values;
            _doubles[i] = unix ? block.Column<ScalarColumnBuffer<double>>(outputs[i]).Values : null;
        }

        if (!text)
        {
            var times = block.Column<ScalarColumnBuffer<DateTime>>(input).Values;
            for (var r = 0; r < block.RowCount; r++)
            {
                if (transform.TryLocal(times[r], out var local))
                {
                    Write(r, local);
                }
                else
                {
                    Write(r, null);
                    Drops.Reject(r, transform.InputColumn, transform.OutOfRange, times[r].ToString("O", CultureInfo.InvariantCulture));
                }
            }

            return;
        }

        var values = block.Column<TextColumnBuffer>(input).Values;
        for (var r = 0; r < block.RowCount; r++)
        {
            var value = values[r];
            if (value.IsEmpty)
            {
                Write(r, null);
            }
            else if (transform.ReadTime(value.Span, out var local) is { } reason)
            {
                // The row leaves the block; its parts are still written so no stale value is left behind.
                Write(r, null);
                Drops.Reject(r, transform.InputColumn, reason, value.ToString());
            }
            else
            {
                Write(r, local);
            }
        }
    }

    private void Write(int row, DateTimeOffset? time)
    {
        for (var i = 0; i < _floats.Length; i++)
        {
            if (_doubles[i] is { } seconds)
            {
                seconds[row] = time is { } t ? t.ToUnixTimeSeconds() : double.NaN;
            }
            else
            {
                _floats[i]![row] = time is { } t ? Part(t, transform.Parts[i]) : float.NaN;
            }
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
