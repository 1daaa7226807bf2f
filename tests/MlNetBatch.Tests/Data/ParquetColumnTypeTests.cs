using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Tests.Support;
using ParquetSharp;

namespace MlNetBatch.Tests.Data;

/// <summary>
/// The column types real files carry, written by Apache Arrow's writer and read back value for value: lists as fixed
/// and variable vectors, timestamps in every unit, dates, INT96, booleans, text, decimals and unsigned integers.
/// </summary>
public class ParquetColumnTypeTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Lists_read_as_fixed_size_vectors_across_pages_and_chunks_with_null_items_as_NaN()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("lists.parquet");
        var lists = Enumerable.Range(0, 1_000).Select(i => new float?[] { i, i % 5 == 0 ? null : i + 0.5f, -i }).ToArray();
        // Tiny pages and odd chunks: rows straddle pages and chunk ends, so levels are carried from one chunk to the next.
        ArrowParquetFile.Write(path, 600, [ArrowParquetFile.Of("vec", lists)], b => b.DataPagesize(256).EnableDictionary());

        var view = _ml.Data.LoadFromParquet(path, new DataSourceOptions { ChunkRows = 7 });

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), view.Schema["vec"].Type);
        var expected = lists.Select(l => l.Select(v => v ?? float.NaN).ToArray()).ToList();
        Assert.Equal(expected, DataViewReader.Vectors(view, "vec"));
    }

    [Fact]
    public async Task Lists_of_varying_length_read_as_variable_vectors_with_empty_and_null_lists_empty()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("ragged.parquet");
        var lists = Enumerable.Range(0, 500).Select(i => i % 7 == 3 ? null : Enumerable.Range(0, i % 4).Select(j => (double)(i * 10 + j)).ToArray()).ToArray();
        ArrowParquetFile.Write(path, 200, [ArrowParquetFile.Of("ragged", lists)], b => b.DataPagesize(128));

        var batches = await ParquetFormatReads.ReadAsync(
            path, [new SourceColumn("ragged", new VectorDataViewType(NumberDataViewType.Double))], new DataSourceOptions { ChunkRows = 9 });

        var read = batches.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(r => b.Column<VariableVectorColumnBuffer<double>>(0).Values[r].DenseValues().ToArray()));
        Assert.Equal(lists.Select(l => l ?? []), read);
    }

    [Fact]
    public void A_list_of_the_wrong_length_for_its_vector_names_file_column_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("short.parquet");
        var lists = Enumerable.Range(0, 20).Select(i => i == 13 ? new[] { 1f, 2f } : new[] { 1f, 2f, 3f }).ToArray();
        ArrowParquetFile.Write(path, 20, [ArrowParquetFile.Of("vec", lists)]);

        var view = _ml.Data.LoadFromParquet(path, new DataSourceOptions { Columns = new() { ["vec"] = "float[3]" } });

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Vectors(view, "vec"));
        Assert.Contains("short.parquet", error.Message);
        Assert.Equal("vec", error.Column);
        Assert.Equal(13, error.Row);
        Assert.Contains("the list holds 2 items but the column is a vector of 3", error.Message);
    }

    [Fact]
    public async Task With_a_bad_record_sink_lists_of_the_wrong_length_are_set_aside_and_later_rows_stay_aligned()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("ragged-vectors.parquet");
        // Short, long and empty lists among good ones, on small pages and odd chunks, so skipped levels straddle both.
        var lists = Enumerable.Range(0, 400).Select(i => (i % 37) switch
        {
            5 => new[] { i, i + 0.25f },
            11 => new[] { i, i + 0.25f, i + 0.5f, i + 0.75f },
            17 => [],
            _ => new[] { i, i + 0.25f, i + 0.5f },
        }).ToArray();
        ArrowParquetFile.Write(path, 150, [ArrowParquetFile.Of("id", Enumerable.Range(0, 400).Select(i => (long)i).ToArray()), ArrowParquetFile.Of("vec", lists)], b => b.DataPagesize(200));
        var sink = new CollectingBadRecordSink();
        var options = new DataSourceOptions { ChunkRows = 13, Columns = new() { ["id"] = "long", ["vec"] = "float[3]" } };

        var view = (await PartitionedDataSource.OpenAsync(path, options)).WithBadRecords(sink).AsDataView();

        // Both columns through one cursor: a row is checked only where its column is read.
        var rows = new List<(long Id, float[] Vector)>();
        using (var cursor = view.GetRowCursor(view.Schema))
        {
            var id = cursor.GetGetter<long>(view.Schema["id"]);
            var vec = cursor.GetGetter<VBuffer<float>>(view.Schema["vec"]);
            long idValue = 0;
            VBuffer<float> vector = default;
            while (cursor.MoveNext())
            {
                id(ref idValue);
                vec(ref vector);
                rows.Add((idValue, vector.DenseValues().ToArray()));
            }
        }

        var good = Enumerable.Range(0, 400).Where(i => lists[i].Length == 3).ToList();
        Assert.Equal(good.Select(i => (long)i), rows.Select(r => r.Id));
        Assert.Equal(good.Select(i => lists[i]), rows.Select(r => r.Vector));
        var bad = Enumerable.Range(0, 400).Where(i => lists[i].Length != 3).ToList();
        // The small file's three row groups of 150 rows are one partition, and a bad record's row counts within it,
        // across the row groups.
        Assert.Equal(bad.Select(i => ("rowgroups=0-2", (long)i)), sink.Records.Select(r => (r.Partition[(r.Partition.IndexOf('#') + 1)..], r.Row)).Order());
        Assert.All(sink.Records, r => Assert.Equal("vec", r.Column));
        Assert.All(sink.Records, r => Assert.Contains("but the column is a vector of 3", r.Reason));
    }

    [Fact]
    public async Task Timestamps_in_every_unit_dates_and_INT96_read_as_DateTime_and_DateTimeOffset()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("times.parquet");
        var instants = Enumerable.Range(0, 100).Select(i => new DateTime(1969, 12, 31, 23, 0, 0, DateTimeKind.Utc).AddMinutes(i * 37).AddTicks(i * 10)).ToArray();
        var millis = instants.Select(t => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerMillisecond))).ToArray();
        var days = instants.Select(t => new Date((int)Math.Floor((t - DateTime.UnixEpoch).TotalDays))).ToArray();
        ArrowParquetFile.Write(path, 40,
        [
            ArrowParquetFile.Of("utc_micros", instants, LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Micros)),
            ArrowParquetFile.Of("local_millis", millis, LogicalType.Timestamp(isAdjustedToUtc: false, TimeUnit.Millis)),
            ArrowParquetFile.Of("nanos", instants.Select(t => new DateTimeNanos(t)).ToArray()),
            ArrowParquetFile.Of("day", days),
            ArrowParquetFile.Of("int96", instants.Select(ToInt96).ToArray()),
        ]);

        var view = _ml.Data.LoadFromParquet(path);

        // Instants (adjusted to UTC) infer as DateTimeOffset, so that a sink writes them back as instants.
        Assert.Equal(["utc_micros", "nanos"], view.Schema.Where(c => c.Type is DateTimeOffsetDataViewType).Select(c => c.Name));
        Assert.All(view.Schema.Where(c => c.Name is not ("utc_micros" or "nanos")), c => Assert.Equal(DateTimeDataViewType.Instance, c.Type));
        Assert.Equal(instants.Select(t => new DateTimeOffset(t)), DataViewReader.Column<DateTimeOffset>(view, "utc_micros"));
        var declared = await ParquetFormatReads.ReadAsync(path, [new SourceColumn("utc_micros", DateTimeDataViewType.Instance)]);
        var utc = declared.SelectMany(b => b.Column<ScalarColumnBuffer<DateTime>>(0).Values.Take(b.RowCount)).ToList();
        Assert.Equal(instants, utc);
        Assert.All(utc, t => Assert.Equal(DateTimeKind.Utc, t.Kind));
        var local = DataViewReader.Column<DateTime>(view, "local_millis");
        Assert.Equal(millis.Select(t => t.Ticks), local.Select(t => t.Ticks));
        Assert.All(local, t => Assert.Equal(DateTimeKind.Unspecified, t.Kind));
        Assert.Equal(instants.Select(t => t.Ticks), DataViewReader.Column<DateTimeOffset>(view, "nanos").Select(t => t.UtcTicks));
        Assert.Equal(instants.Select(t => t.Date), DataViewReader.Column<DateTime>(view, "day"));
        Assert.Equal(instants.Select(t => t.Ticks), DataViewReader.Column<DateTime>(view, "int96").Select(t => t.Ticks));

        var offsets = await ParquetFormatReads.ReadAsync(path, [new SourceColumn("utc_micros", DateTimeOffsetDataViewType.Instance)]);
        Assert.Equal(instants.Select(t => new DateTimeOffset(t)), offsets.SelectMany(b => b.Column<ScalarColumnBuffer<DateTimeOffset>>(0).Values.Take(b.RowCount)));
    }

    [Fact]
    public async Task Booleans_read_and_their_nulls_are_bad_records()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("flags.parquet");
        var flags = Enumerable.Range(0, 300).Select(i => i % 50 == 7 ? (bool?)null : i % 3 == 0).ToArray();
        ArrowParquetFile.Write(path, 128, [ArrowParquetFile.Of("id", Enumerable.Range(0, 300).Select(i => (long)i).ToArray()), ArrowParquetFile.Of("flag", flags)]);
        var sink = new CollectingBadRecordSink();

        var view = _ml.Data.LoadFromParquet(path, new DataSourceOptions { ChunkRows = 64 });
        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<bool>(view, "flag"));
        var kept = view.Source.WithBadRecords(sink).AsDataView();

        Assert.Equal(BooleanDataViewType.Instance, view.Schema["flag"].Type);
        Assert.Equal(7, error.Row);
        Assert.Contains("null value in a Boolean column", error.Message);
        Assert.Equal(
            Enumerable.Range(0, 300).Where(i => flags[i] is not null).Select(i => ((long)i, flags[i]!.Value)),
            DataViewReader.Columns<long, bool>(kept, "id", "flag"));
        // Row numbers count from the start of the partition: the small file's three row groups together.
        Assert.Equal(Enumerable.Range(0, 300).Where(i => flags[i] is null).Select(i => (long)i), sink.Records.Select(r => r.Row));
        Assert.All(sink.Records, r => Assert.Equal("flag", r.Column));
    }

    [Fact]
    public void Text_with_nulls_dictionary_pages_and_long_values_reads_as_text()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("text.parquet");
        var words = new[] { "alpha", "Ünïcødé ✓", "", "日本語", new string('x', 5_000) };
        var text = Enumerable.Range(0, 400).Select(i => i % 9 == 4 ? null : words[i % words.Length] + (i % 2 == 0 ? "" : i.ToString())).ToArray();
        ArrowParquetFile.Write(path, 150, [ArrowParquetFile.Of("name", text)], b => b.EnableDictionary().DataPagesize(1_024));

        var view = _ml.Data.LoadFromParquet(path, new DataSourceOptions { ChunkRows = 33 });

        Assert.Equal(TextDataViewType.Instance, view.Schema["name"].Type);
        Assert.Equal(text.Select(t => t ?? ""), DataViewReader.Text(view, "name"));
    }

    [Fact]
    public void Decimals_and_unsigned_integers_read_as_numbers()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("numbers.parquet");
        var prices = Enumerable.Range(0, 50).Select(i => (i - 25) * 1234.567m).ToArray();
        var counts = Enumerable.Range(0, 50).Select(i => uint.MaxValue - (uint)i).ToArray();
        var small = Enumerable.Range(0, 50).Select(i => (ushort)(i * 1000)).ToArray();
        ArrowParquetFile.Write(path, 50,
        [
            ArrowParquetFile.Of("price", prices, LogicalType.Decimal(precision: 20, scale: 3)),
            ArrowParquetFile.Of("count", counts),
            ArrowParquetFile.Of("small", small),
        ]);

        var view = _ml.Data.LoadFromParquet(path);

        Assert.Equal(NumberDataViewType.Double, view.Schema["price"].Type);
        Assert.Equal(prices.Select(p => (double)p), DataViewReader.Column<double>(view, "price"));
        Assert.Equal(NumberDataViewType.Int64, view.Schema["count"].Type);
        Assert.Equal(counts.Select(c => (long)c), DataViewReader.Column<long>(view, "count"));
        Assert.Equal(small.Select(s => (int)s), DataViewReader.Column<int>(view, "small"));
    }

    [Fact]
    public void Binary_columns_are_inferred_as_bytes_and_read_as_text_when_declared()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bytes.parquet");
        var payloads = new[] { "plain"u8.ToArray(), "ünïcødé"u8.ToArray(), [] };
        ArrowParquetFile.Write(path, 10, [ArrowParquetFile.Of("id", new[] { 1L, 2L, 3L }), ArrowParquetFile.Of("payload", payloads)]);

        var inferred = _ml.Data.LoadFromParquet(path);
        var declared = _ml.Data.LoadFromParquet(path, new DataSourceOptions { Columns = new() { ["payload"] = "string" } });

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Byte), inferred.Schema["payload"].Type);
        Assert.Equal(payloads, DataViewReader.Vectors<byte>(inferred, "payload"));
        Assert.Equal(["plain", "ünïcødé", ""], DataViewReader.Text(declared, "payload"));
    }

    [Fact]
    public void A_file_with_no_rows_takes_its_vector_size_from_MlNetBatch_metadata()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("empty.parquet");
        ArrowParquetFile.Write(path, 10, [ArrowParquetFile.Of("id", Array.Empty<long>()), ArrowParquetFile.Of("probabilities", Array.Empty<float[]>())],
            metadata: new Dictionary<string, string> { ["MlNetBatch.VectorSize.probabilities"] = "4" });

        var view = _ml.Data.LoadFromParquet(path);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), view.Schema["probabilities"].Type);
        Assert.Empty(DataViewReader.Vectors(view, "probabilities"));
    }

    private static Int96 ToInt96(DateTime time)
    {
        // Julian day and nanoseconds of the day, as Impala and older Spark store timestamps.
        var sinceEpoch = time - DateTime.UnixEpoch;
        var day = (int)Math.Floor(sinceEpoch.TotalDays);
        var nanoseconds = (sinceEpoch.Ticks - (day * TimeSpan.TicksPerDay)) * 100;
        return new Int96((int)nanoseconds, (int)(nanoseconds >> 32), day + 2_440_588);
    }
}
