using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>Regression tests for quoted fields with line breaks (the integrity issue's invented rows).</summary>
public class CsvQuotingTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task A_quoted_field_holding_a_line_that_looks_like_a_row_does_not_invent_a_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("twenty.csv");
        var text = new StringBuilder("id,score,note\n");
        for (var i = 0; i < 20; i++)
        {
            text.Append($"{i},{i * 0.1:0.0},").Append(i == 7 ? "\"multi\n777,0.1,fake\nline\"" : "plain").Append('\n');
        }

        await File.WriteAllTextAsync(path, text.ToString());

        var view = _ml.Data.LoadFromCsv(path);
        var rows = _ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToList();

        Assert.Equal(NumberDataViewType.Int64, view.Schema["id"].Type);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), rows.Select(r => r.Id));
        Assert.Equal("multi\n777,0.1,fake\nline", rows[7].Note);
        Assert.Equal(PythonOracle.CsvRecords(path).Skip(1).Select(r => r[2]), rows.Select(r => r.Note));
    }

    [Fact]
    public async Task Many_multi_line_fields_read_strictly_with_inferred_numeric_types_across_partitions()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("multi.csv");
        var text = new StringBuilder("id,score,note\r\n");
        for (var i = 0; i < 3000; i++)
        {
            // 30% of the rows hold a quoted field with line breaks and lines that look like rows.
            var note = i % 10 < 3 ? $"\"first {i}\r\n{i + 100000},0.5,\"\"quoted\"\"\nlast\"" : $"n{i}";
            text.Append($"{i},{i * 0.5},{note}\r\n");
        }

        await File.WriteAllTextAsync(path, text.ToString());
        var expected = PythonOracle.CsvRecords(path).Skip(1).ToList();

        var view = _ml.Data.LoadFromCsv(path, new DataSourceOptions { PartitionBytes = 4096, ChunkRows = 50 });

        Assert.True((await view.Source.GetPartitionsAsync()).Count > 10);
        Assert.Equal(NumberDataViewType.Int64, view.Schema["id"].Type);
        Assert.Equal(NumberDataViewType.Single, view.Schema["score"].Type);
        Assert.Equal(TextDataViewType.Instance, view.Schema["note"].Type);
        Assert.Equal(3000, expected.Count);
        Assert.Equal(expected.Select(r => long.Parse(r[0])), DataViewReader.Column<long>(view, "id"));
        Assert.Equal(expected.Select(r => float.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)), DataViewReader.Column<float>(view, "score"));
        Assert.Equal(expected.Select(r => r[2]), DataViewReader.Text(view, "note"));
    }

    [Fact]
    public async Task A_bad_record_after_a_multi_line_record_reports_its_own_first_byte_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("offsets.csv");
        var text = "id,v\n0,\"a\nb\"\n1,\"é\n2,x\"\n2,x7\n3,4\n";
        await File.WriteAllTextAsync(path, text);
        var sink = new CollectingBadRecordSink();
        var options = new DataSourceOptions { Columns = new() { ["id"] = "long", ["v"] = "string" } };
        var source = (await PartitionedDataSource.OpenAsync(path, new DataSourceOptions { Columns = new() { ["id"] = "long", ["v"] = "float" } })).WithBadRecords(sink);

        var values = DataViewReader.Column<float>(source.AsDataView(), "v");

        Assert.Equal([4f], values);
        Assert.Equal(3, sink.Records.Count);
        var x7 = sink.Records.Single(r => r.Value == "x7");
        Assert.Equal(Encoding.UTF8.GetByteCount(text[..text.IndexOf("2,x7", StringComparison.Ordinal)]), x7.ByteOffset);
        Assert.Equal(2, x7.Row);
        Assert.Equal("v", x7.Column);
        Assert.Equal(Encoding.UTF8.GetByteCount(text[..text.IndexOf("1,\"é", StringComparison.Ordinal)]), sink.Records.Single(r => r.Row == 1).ByteOffset);
        Assert.Equal(["a\nb", "é\n2,x", "x7", "4"], DataViewReader.Text(_ml.Data.LoadFromCsv(path, options), "v"));
    }

    [Fact]
    public async Task Text_after_a_closing_quote_is_a_bad_record_and_the_next_records_still_read()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("stray.csv");
        await File.WriteAllTextAsync(path, "id,v\n0,\"ab\"cd\n1,\"ok\"\n");
        var sink = new CollectingBadRecordSink();
        var source = (await PartitionedDataSource.OpenAsync(path, new DataSourceOptions { Columns = new() { ["id"] = "long", ["v"] = "string" } })).WithBadRecords(sink);

        Assert.Equal(["ok"], DataViewReader.Text(source.AsDataView(), "v"));
        var bad = Assert.Single(sink.Records);
        Assert.Contains("malformed quoting", bad.Reason);
        Assert.Equal("v", bad.Column);
    }

    [Fact]
    public async Task A_quote_never_closed_fails_the_read_even_when_bad_records_are_allowed()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("open.csv");
        await File.WriteAllTextAsync(path, "id,v\n0,a\n1,\"never closed\n2,b\n3,c\n");
        var source = (await PartitionedDataSource.OpenAsync(path)).WithBadRecords(new CollectingBadRecordSink());

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Text(source.AsDataView(), "v"));

        Assert.Contains("never closed", error.Message);
        Assert.Equal(1, error.Row);
    }

    private sealed class Row
    {
        [ColumnName("id")]
        public long Id { get; set; }

        [ColumnName("score")]
        public float Score { get; set; }

        [ColumnName("note")]
        public string Note { get; set; } = string.Empty;
    }
}
