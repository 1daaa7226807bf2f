using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Tensors;

public class VariableLengthOutputSinkTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task Per_batch_outputs_are_written_to_parquet_as_lists_of_each_rows_length()
    {
        using var dir = new TempDirectory();
        var (scored, expected) = ScoreTokens(dir);
        var path = dir.Combine("tokens.parquet");

        _ml.Data.SaveAsParquet(scored, path, "masked", "length");

        Assert.Equal(expected, await ParquetNetColumns.ListsAsync<long>(path, "masked"));
        Assert.Equal(expected.Select(e => new[] { (long)e.Count(v => v != 0) }), await ParquetNetColumns.ListsAsync<long>(path, "length"));
    }

    [Fact]
    public void Per_batch_outputs_are_written_to_json_lines_as_arrays_of_each_rows_length()
    {
        using var dir = new TempDirectory();
        var (scored, expected) = ScoreTokens(dir);
        var path = dir.Combine("tokens.jsonl");

        _ml.Data.SaveAsJsonLines(scored, path, "masked");

        var rows = File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("masked").EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToList();
        Assert.Equal(expected, rows);
    }

    [Fact]
    public void Csv_refuses_a_variable_length_vector_naming_the_column()
    {
        using var dir = new TempDirectory();
        var (scored, _) = ScoreTokens(dir);

        var error = Assert.ThrowsAny<MlNetBatchException>(() => _ml.Data.SaveAsCsv(scored, dir.Combine("tokens.csv"), "masked"));

        Assert.Contains("Output column 'masked' is a vector of variable length (long[]), which CSV cannot hold", error.Message);
    }

    [Fact]
    public async Task Byte_image_outputs_are_written_to_parquet_as_int8_lists_and_to_json_lines()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.UInt8, ["batch", 3, "H", "W"]);
        var rows = Enumerable.Range(0, 5).Select(i => Enumerable.Range(0, 12).Select(k => (byte)(250 + i + k)).ToArray()).ToArray();
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(NumberDataViewType.Byte, 3, 2, 2));
        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);
        var parquet = dir.Combine("images.parquet");
        var jsonl = dir.Combine("images.jsonl");

        _ml.Data.SaveAsParquet(scored, parquet, "y");
        _ml.Data.SaveAsJsonLines(scored, jsonl, "y");

        Assert.Equal(rows, await ParquetNetColumns.ListsAsync<byte>(parquet, "y"));
        Assert.Equal(rows, File.ReadAllLines(jsonl).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("y").EnumerateArray().Select(v => v.GetByte()).ToArray()));
    }

    /// <summary>Token rows scored in batches of 3; the expected masked output is each row padded to its batch's longest.</summary>
    private (IDataView Scored, List<long[]> Expected) ScoreTokens(TempDirectory dir)
    {
        var lengths = new[] { 2, 4, 1, 3, 3, 6, 1 };
        var rows = lengths.Select((n, r) => Enumerable.Range(1, n).Select(k => (long)((r * 10) + k)).ToArray()).ToArray();
        var data = TensorRows.Load<long>(_ml, rows, null);
        // Batches in input order (no sorting by length): the padding each batch gets is what this test pins.
        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = TensorModels.Tokens(dir), BatchSize = 3, LengthBucketBatches = 1, InputColumns = { ["ids"] = "X" } }).Fit(data).Transform(data);
        var padded = new[] { 4, 4, 4, 6, 6, 6, 1 };
        return (scored, rows.Select((r, i) => r.Concat(new long[padded[i] - r.Length]).ToArray()).ToList());
    }
}
