using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Sinks;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>"Declare one, infer the rest": <see cref="DataSourceOptions.InferOtherColumns"/> with a partial <see cref="DataSourceOptions.Columns"/>.</summary>
public class DeclaredColumnTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData("Csv")]
    [InlineData("JsonLines")]
    [InlineData("Parquet")]
    public void One_declared_column_takes_its_type_and_the_others_are_inferred(string formatName)
    {
        var format = new DataFormatKind(formatName);
        using var dir = new TempDirectory();
        var path = Write(dir, format);
        var options = new DataSourceOptions { Columns = new() { ["id"] = "double" }, InferOtherColumns = true };

        var view = _ml.Data.LoadFrom(path, format, options);

        Assert.Equal(["id", "x", "note"], view.Schema.Select(c => c.Name));
        Assert.Equal(NumberDataViewType.Double, view.Schema["id"].Type);
        Assert.Equal(NumberDataViewType.Single, view.Schema["x"].Type);
        Assert.Equal(TextDataViewType.Instance, view.Schema["note"].Type);
        Assert.Equal([0d, 1d, 2d], DataViewReader.Column<double>(view, "id"));
        Assert.Equal([0f, 0.5f, 1f], DataViewReader.Column<float>(view, "x"));
        Assert.Equal(["n0", "n1", "n2"], DataViewReader.Text(view, "note"));
    }

    [Theory]
    [InlineData("Csv")]
    [InlineData("JsonLines")]
    [InlineData("Parquet")]
    public void Without_InferOtherColumns_the_declared_columns_are_the_whole_schema(string formatName)
    {
        var format = new DataFormatKind(formatName);
        using var dir = new TempDirectory();
        var path = Write(dir, format);

        var view = _ml.Data.LoadFrom(path, format, new DataSourceOptions { Columns = new() { ["id"] = "double" } });

        Assert.Equal(["id"], view.Schema.Select(c => c.Name));
        Assert.Equal([0d, 1d, 2d], DataViewReader.Column<double>(view, "id"));
    }

    [Fact]
    public async Task A_parquet_list_whose_size_cannot_be_inferred_can_be_declared_while_the_rest_is_inferred()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("lists.parquet");
        var rows = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(i => new ListRow { id = i, values = Enumerable.Repeat((float)i, 2 + (i / 2)).ToArray() }));
        await _ml.Data.SaveAsParquetAsync(rows, path);
        Assert.Throws<DataFormatException>(() => _ml.Data.LoadFromParquet(path));

        var view = _ml.Data.LoadFromParquet(path, new DataSourceOptions { Columns = new() { ["values"] = "float[2]" }, InferOtherColumns = true });

        Assert.Equal(NumberDataViewType.Int64, view.Schema["id"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), view.Schema["values"].Type);
        Assert.Equal([0L, 1L, 2L], DataViewReader.Column<long>(view, "id"));
    }

    private string Write(TempDirectory dir, DataFormatKind format)
    {
        var path = dir.Combine("rows" + DataFormatRegistry.Default.Extension(format));
        var data = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(i => new Row { id = i, x = i / 2f, note = $"n{i}" }));
        _ = format.Name switch
        {
            "Csv" => _ml.Data.SaveAsCsv(data, path),
            "JsonLines" => _ml.Data.SaveAsJsonLines(data, path),
            _ => _ml.Data.SaveAsParquet(data, path),
        };
        return path;
    }

    private sealed class Row
    {
        public long id { get; set; }

        public float x { get; set; }

        public string note { get; set; } = string.Empty;
    }

    private sealed class ListRow
    {
        public long id { get; set; }

        public float[] values { get; set; } = [];
    }
}
