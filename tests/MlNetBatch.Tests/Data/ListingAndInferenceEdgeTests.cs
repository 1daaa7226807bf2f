using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>Inputs a new user has that lost or changed rows silently: links, hidden names, backslashes, extra JSON, padded codes.</summary>
public class ListingAndInferenceEdgeTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task A_link_loop_under_a_recursive_glob_reads_every_row_once()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("a.csv"), "id\n1\n2\n");
        Directory.CreateDirectory(dir.Combine("sub"));
        await File.WriteAllTextAsync(dir.Combine("sub", "b.csv"), "id\n3\n4\n");
        File.CreateSymbolicLink(dir.Combine("sub", "up"), dir.Path);
        File.CreateSymbolicLink(dir.Combine("alias"), dir.Combine("sub"));

        var view = _ml.Data.LoadFromCsv(dir.Combine("**", "*.csv"));

        Assert.Equal([1L, 2L, 3L, 4L], DataViewReader.Column<long>(view, "id").Order());
    }

    [UnixFact]
    public async Task A_backslash_is_part_of_a_file_name_on_linux_and_macos()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("a"));
        await File.WriteAllTextAsync(dir.Combine("a", "b.csv"), "id\n1\n");
        await File.WriteAllTextAsync(dir.Combine("a\\b.csv"), "id\n2\n");

        var view = _ml.Data.LoadFromCsv(dir.Combine("**", "*.csv"));

        Assert.Equal([1L, 2L], DataViewReader.Column<long>(view, "id").Order());
        Assert.Equal(2, view.Source.Files.Count);
    }

    [Fact]
    public async Task Files_left_out_for_hidden_names_are_reported_and_bookkeeping_files_are_not()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("ok.csv"), "id\n1\n");
        await File.WriteAllTextAsync(dir.Combine("_first.csv"), "id\n2\n");
        Directory.CreateDirectory(dir.Combine(".hid"));
        await File.WriteAllTextAsync(dir.Combine(".hid", "c.csv"), "id\n3\n");
        await File.WriteAllTextAsync(dir.Combine("_SUCCESS"), string.Empty);

        var source = await PartitionedDataSource.OpenAsync(dir.Path);

        Assert.Single(source.Files);
        Assert.Equal(["_first.csv", "c.csv"], source.HiddenFiles.Select(f => f.Location.Name).Order());
    }

    [Fact]
    public async Task A_second_json_value_or_stray_text_on_a_line_is_a_bad_record_not_dropped()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\":0}\n{\"id\":1}{\"id\":2}\n{\"id\":3} garbage\n{\"id\":4}  \n");
        var options = new DataSourceOptions { Columns = new() { ["id"] = "long" } };

        var strict = Assert.ThrowsAny<Exception>(() => DataViewReader.Column<long>(_ml.Data.LoadFromJsonLines(path, options), "id"));
        var sink = new CollectingBadRecordSink();
        var tolerant = (await PartitionedDataSource.OpenAsync(path, options)).WithBadRecords(sink).AsDataView();

        Assert.Contains("more than one JSON value", JobFailure(strict));
        Assert.Equal([0L, 4L], DataViewReader.Column<long>(tolerant, "id"));
        Assert.Equal([1L, 2L], sink.Records.Select(r => r.Row));
    }

    [Fact]
    public async Task Zero_padded_codes_and_empty_columns_are_text_and_rounded_floats_are_named()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.csv");
        await File.WriteAllTextAsync(path, "code,empty,amount,x\n00042,,123456789.01,0.5\n00007,,123456790.01,0.25\n");

        var source = await PartitionedDataSource.OpenAsync(path);
        var columns = source.Columns.ToDictionary(c => c.Name);
        var view = source.AsDataView();

        Assert.Equal(TextDataViewType.Instance, columns["code"].Type);
        Assert.Equal(["00042", "00007"], DataViewReader.Text(view, "code"));
        Assert.Equal(TextDataViewType.Instance, columns["empty"].Type);
        Assert.Equal(["", ""], DataViewReader.Text(view, "empty"));
        Assert.Equal(NumberDataViewType.Single, columns["amount"].Type);
        Assert.Equal("123456789.01 reads as 123456790", columns["amount"].RoundedExample);
        Assert.Null(columns["x"].RoundedExample);
    }

    private static string JobFailure(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DataFormatException)
            {
                return inner.Message;
            }
        }

        return e.ToString();
    }
}

public class InferenceConsistencyTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task Inferred_types_can_hold_every_sampled_value_so_a_strict_read_succeeds()
    {
        using var dir = new TempDirectory();
        var json = dir.Combine("a.jsonl");
        await File.WriteAllTextAsync(json, "{\"n\":1,\"b\":true,\"m\":5}\n{\"n\":null,\"b\":null}\n{\"n\":3,\"b\":false,\"m\":7}\n");
        var csv = dir.Combine("a.csv");
        await File.WriteAllTextAsync(csv, "b,n\ntrue,1\n,2\nfalse,01\n" + string.Concat(Enumerable.Range(3, 200).Select(i => $"true,{i}\n")));

        var fromJson = await PartitionedDataSource.OpenAsync(json);
        var fromCsv = await PartitionedDataSource.OpenAsync(csv);

        Assert.Equal(["n: float", "b: string", "m: float"], fromJson.Columns.Select(c => c.ToString()));
        Assert.Equal(3, DataViewReader.Column<float>(fromJson.AsDataView(), "n").Count);
        Assert.Equal(["true", "", "false"], DataViewReader.Text(fromJson.AsDataView(), "b"));
        Assert.True(float.IsNaN(DataViewReader.Column<float>(fromJson.AsDataView(), "m")[1]));
        Assert.Equal(["b: string", "n: long"], fromCsv.Columns.Select(c => c.ToString()));
        Assert.Equal(1L, DataViewReader.Column<long>(fromCsv.AsDataView(), "n")[2]);
    }

    [Fact]
    public async Task Without_a_header_a_ragged_first_record_is_the_only_bad_one()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.csv");
        await File.WriteAllTextAsync(path, "1\n" + string.Concat(Enumerable.Range(2, 100).Select(i => $"{i},{i * 2}\n")));
        var options = new DataSourceOptions { HasHeader = false, Columns = new() { ["a"] = "long", ["b"] = "long" } };
        var sink = new CollectingBadRecordSink();

        var view = (await PartitionedDataSource.OpenAsync(path, options)).WithBadRecords(sink).AsDataView();

        Assert.Equal(Enumerable.Range(2, 100).Select(i => (long)i * 2), DataViewReader.Column<long>(view, "b"));
        Assert.Equal("the record at byte offset 0 has 1 fields where the schema has 2.", Assert.Single(sink.Records).Reason);
    }
}

public class ReaderRobustnessTests
{
    [Fact]
    public async Task A_header_naming_a_column_twice_is_an_error_not_a_column_read_from_the_wrong_field()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("a.csv"), "a,b,a\n1,x,2\n3,y,4\n");

        var error = await Assert.ThrowsAsync<DataFormatException>(() => PartitionedDataSource.OpenAsync(dir.Combine("a.csv")));

        Assert.Contains("names 'a' twice (fields 0 and 2)", error.Message);
        Assert.Contains("a.csv", error.Message);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task A_byte_order_mark_is_skipped_even_when_the_stream_returns_one_byte_at_a_time(string format)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a." + format);
        var text = format == "csv" ? "\"a\nb\",c\n1,2\n" : "{\"id\":1}\n{\"id\":2}\n";
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(text)]);
        var resolver = new ObjectStoreResolver([new TricklingStore()]);

        var source = await PartitionedDataSource.OpenAsync(path, resolver: resolver);

        if (format == "csv")
        {
            Assert.Equal(["a\nb", "c"], source.Columns.Select(c => c.Name));
            Assert.Equal([2L], DataViewReader.Column<long>(source.AsDataView(), "c"));
        }
        else
        {
            Assert.Equal([1L, 2L], DataViewReader.Column<long>(source.AsDataView(), "id"));
        }
    }

    [Fact]
    public async Task An_unpaired_surrogate_escape_in_json_is_a_bad_record_naming_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\":1,\"s\":\"ok\"}\n{\"id\":2,\"s\":\"\\ud800\"}\n{\"id\":3,\"s\":\"fine\"}\n");
        var options = new DataSourceOptions { Columns = new() { ["id"] = "long", ["s"] = "string" } };
        var sink = new CollectingBadRecordSink();

        var view = (await PartitionedDataSource.OpenAsync(path, options)).WithBadRecords(sink).AsDataView();

        Assert.Equal(["ok", "fine"], DataViewReader.Text(view, "s"));
        Assert.Equal(1L, Assert.Single(sink.Records).Row);
    }

    /// <summary>Local files whose streams return one byte per read, as a slow network stream may.</summary>
    private sealed class TricklingStore() : ForwardingObjectStore(new LocalObjectStore())
    {
        public override async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default) =>
            new OneByteStream(await Inner.OpenReadAsync(location, expected, cancellationToken));
    }

    private sealed class OneByteStream(Stream inner) : ForwardingReadStream(inner)
    {
        public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => Inner.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }
}
