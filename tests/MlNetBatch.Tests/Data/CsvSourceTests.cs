using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

public class CsvSourceTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task Infers_types_and_reads_values_including_quoted_fields()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.csv");
        await File.WriteAllTextAsync(path, "id,score,name,flag\n1,0.5,\"Smith, J\",true\n2,,\"say \"\"hi\"\"\",false\n");

        var view = _ml.Data.LoadFromCsv(path);

        Assert.Equal(NumberDataViewType.Int64, view.Schema["id"].Type);
        Assert.Equal(NumberDataViewType.Single, view.Schema["score"].Type);
        Assert.Equal(TextDataViewType.Instance, view.Schema["name"].Type);
        Assert.Equal(BooleanDataViewType.Instance, view.Schema["flag"].Type);
        Assert.Equal([1L, 2L], DataViewReader.Column<long>(view, "id"));
        var scores = DataViewReader.Column<float>(view, "score");
        Assert.Equal(0.5f, scores[0]);
        Assert.True(float.IsNaN(scores[1]));
        Assert.Equal(["Smith, J", "say \"hi\""], DataViewReader.Text(view, "name"));
        Assert.Equal([true, false], DataViewReader.Column<bool>(view, "flag"));
    }

    [Fact]
    public async Task Byte_range_partitions_read_every_row_exactly_once()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("id,value\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append(i).Append(',').Append(i * 0.25).Append(i % 7 == 0 ? "\r\n" : "\n");
        }

        await File.WriteAllTextAsync(dir.Combine("big.csv"), text.ToString());
        var options = new DataSourceOptions { PartitionBytes = 1024, ChunkRows = 100 };

        var view = _ml.Data.LoadFromCsv(dir.Combine("big.csv"), options);

        var partitions = await view.Source.GetPartitionsAsync();
        Assert.True(partitions.Count > 20);
        var cursors = view.GetRowCursorSet(view.Schema, 3);
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(cursors.Select(cursor => Task.Run(() =>
        {
            using (cursor)
            {
                var id = cursor.GetGetter<long>(view.Schema["id"]);
                var value = cursor.GetGetter<float>(view.Schema["value"]);
                long i = 0;
                float v = 0;
                while (cursor.MoveNext())
                {
                    id(ref i);
                    value(ref v);
                    Assert.Equal(i * 0.25f, v);
                    ids.Add(i);
                }
            }
        })));
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (long)i), ids.Order());
    }

    [Fact]
    public async Task A_ragged_row_is_an_error_naming_the_file_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("ragged.csv");
        await File.WriteAllTextAsync(path, "a,b\n1,2\n3\n");
        var options = new DataSourceOptions { Columns = new() { ["a"] = "float", ["b"] = "float" } };

        var view = _ml.Data.LoadFromCsv(path, options);

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<float>(view, "a"));
        Assert.Contains("ragged.csv", error.Message);
        Assert.Contains("1 fields where the header has 2", error.Message);
        Assert.Equal(1, error.Row);
    }

    [Fact]
    public async Task An_unparseable_number_is_an_error_naming_file_column_row_and_value()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.csv");
        await File.WriteAllTextAsync(path, "a,b\n1,2\n3,x7\n");
        var options = new DataSourceOptions { Columns = new() { ["a"] = "float", ["b"] = "float" } };

        var view = _ml.Data.LoadFromCsv(path, options);

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<float>(view, "b"));
        Assert.Contains("bad.csv", error.Message);
        Assert.Equal("b", error.Column);
        Assert.Equal(1, error.Row);
        Assert.Contains("'x7'", error.Message);
    }

    [Fact]
    public async Task A_schema_column_missing_from_the_header_is_an_error()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("h.csv");
        await File.WriteAllTextAsync(path, "a,b\n1,2\n");
        var options = new DataSourceOptions { Columns = new() { ["c"] = "float" } };

        var view = _ml.Data.LoadFromCsv(path, options);

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<float>(view, "c"));
        Assert.Contains("header has no such column", error.Message);
    }

    [Fact]
    public async Task Files_without_a_header_use_the_explicit_schema_by_position()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("n.tsv");
        await File.WriteAllTextAsync(path, "1\t2.5\n2\t3.5\n");
        var options = new DataSourceOptions { HasHeader = false, Separator = '\t', Columns = new() { ["id"] = "long", ["x"] = "float" } };

        var view = _ml.Data.LoadFromCsv(path, options);

        Assert.Equal([2.5f, 3.5f], DataViewReader.Column<float>(view, "x"));
    }

    [Fact]
    public async Task An_empty_file_has_no_schema_to_infer()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("empty.csv");
        await File.WriteAllTextAsync(path, string.Empty);

        var error = Assert.Throws<DataFormatException>(() => _ml.Data.LoadFromCsv(path));

        Assert.Contains("empty.csv", error.Message);
    }
}
