using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>A <see cref="DateTime"/> or <see cref="DateTimeOffset"/> column, stored as microseconds since 1970.</summary>
/// <remarks>ML.NET times have 100 ns ticks; the tenth of a microsecond below that is dropped (rounded down).</remarks>
internal sealed class TimestampColumnSink(SinkColumn column) : ParquetColumnSink(column)
{
    private long[] _micros = [];

    public override string[] LeafPath => [Column.Name];

    public override int FixedRowBytes => sizeof(long);

    /// <summary>
    /// Plain, without a dictionary: delta encoding would store advancing times in fewer bits, but Parquet.Net (a reader
    /// downstream tools and the tests use) fails on delta-encoded INT64 columns with a timestamp type, although it
    /// reads delta-encoded plain integers.
    /// </summary>
    public override bool UseDictionary => false;

    public override Node CreateNode() => ParquetNodes.Leaf(Column.Name, Column.Type);

    public override void Write(ColumnWriter writer, ColumnBuffer buffer, int start, int count)
    {
        if (_micros.Length < count)
        {
            _micros = new long[count];
        }

        var micros = _micros.AsSpan(0, count);
        if (buffer is ScalarColumnBuffer<DateTime> times)
        {
            var values = times.Values.AsSpan(start, count);
            for (var i = 0; i < values.Length; i++)
            {
                micros[i] = Micros(values[i].Ticks);
            }
        }
        else
        {
            var values = ((ScalarColumnBuffer<DateTimeOffset>)buffer).Values.AsSpan(start, count);
            for (var i = 0; i < values.Length; i++)
            {
                micros[i] = Micros(values[i].UtcTicks);
            }
        }

        ((ColumnWriter<long>)writer).WriteBatch(micros);
    }

    /// <summary>Microseconds since 1970, rounded down (toward the past, also before 1970).</summary>
    private static long Micros(long ticks) => Math.DivRem(ticks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerMicrosecond) switch
    {
        (var quotient, < 0) => quotient - 1,
        (var quotient, _) => quotient,
    };
}
