using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

public class JsonLinesSourceTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task Reads_numbers_text_booleans_and_arrays_as_vectors()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("a.jsonl");
        await File.WriteAllTextAsync(path,
            "{\"id\": 1, \"name\": \"a\", \"ok\": true, \"v\": [1, 2, 3], \"x\": 0.5}\n" +
            "{\"x\": null, \"v\": [4, 5, 6], \"id\": 2, \"name\": \"b\\u00e9\", \"ok\": false, \"extra\": {\"ignored\": 1}}\n");

        var view = _ml.Data.LoadFromJsonLines(path);

        Assert.Equal(NumberDataViewType.Int64, view.Schema["id"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), view.Schema["v"].Type);
        Assert.Equal([1L, 2L], DataViewReader.Column<long>(view, "id"));
        Assert.Equal(["a", "bé"], DataViewReader.Text(view, "name"));
        Assert.Equal([true, false], DataViewReader.Column<bool>(view, "ok"));
        Assert.Equal(new float[] { 4, 5, 6 }, DataViewReader.Vectors(view, "v")[1]);
        var x = DataViewReader.Column<float>(view, "x");
        Assert.Equal(0.5f, x[0]);
        Assert.True(float.IsNaN(x[1]));
    }

    [Fact]
    public async Task Invalid_json_is_an_error_naming_the_file_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.jsonl");
        await File.WriteAllTextAsync(path, "{\"a\": 1}\n{\"a\": 2\n");
        var options = new DataSourceOptions { Columns = new() { ["a"] = "long" } };

        var view = _ml.Data.LoadFromJsonLines(path, options);

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<long>(view, "a"));
        Assert.Contains("bad.jsonl", error.Message);
        Assert.Equal(1, error.Row);
    }

    [Fact]
    public async Task A_missing_integer_is_an_error_but_a_missing_float_is_NaN()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("m.jsonl");
        await File.WriteAllTextAsync(path, "{\"a\": 1, \"b\": 1.5}\n{\"b\": 2}\n{\"a\": 3}\n");
        var options = new DataSourceOptions { Columns = new() { ["a"] = "long", ["b"] = "float" } };

        var view = _ml.Data.LoadFromJsonLines(path, options);

        Assert.True(float.IsNaN(DataViewReader.Column<float>(view, "b")[2]));
        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<long>(view, "a"));
        Assert.Equal("a", error.Column);
        Assert.Contains("missing", error.Message);
    }
}
