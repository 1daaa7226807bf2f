using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Sinks;

public class DataViewWriterTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData("Parquet")]
    [InlineData("Csv")]
    [InlineData("JsonLines")]
    public async Task Written_rows_read_back_equal(string formatName)
    {
        var format = new DataFormatKind(formatName);
        using var dir = new TempDirectory();
        var rows = Enumerable.Range(0, 40_000).Select(i => new Row { Id = i, Score = i * 0.5f, Name = $"n,\"{i}\"", Vector = [i, -i] }).ToList();
        var data = _ml.Data.LoadFromEnumerable(rows);
        var path = dir.Combine("out" + MlNetBatch.Formats.DataFormatRegistry.Default.Extension(format));

        var written = await DataViewWriter.WriteAsync(data, ObjectLocation.Local(path), format, ["Id", "Score", "Name"]);

        Assert.Equal(rows.Count, written);
        var back = formatName switch
        {
            "Parquet" => (IDataView)_ml.Data.LoadFromParquet(path),
            "Csv" => _ml.Data.LoadFromCsv(path),
            _ => _ml.Data.LoadFromJsonLines(path),
        };
        Assert.Equal(rows.Select(r => (long)r.Id), DataViewReader.Column<long>(back, "Id"));
        Assert.Equal(rows.Select(r => r.Score), DataViewReader.Column<float>(back, "Score"));
        Assert.Equal(rows.Select(r => r.Name), DataViewReader.Text(back, "Name"));
    }

    [Fact]
    public async Task Parquet_output_reads_back_in_Arrows_reader_with_integers_delta_encoded()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("out.parquet");
        var rows = Enumerable.Range(0, 30_000).Select(i => new Row { Id = 1_000_000 + (i * 7), Score = i * 0.25f, Vector = [i, -i] }).ToList();
        var data = _ml.Data.LoadFromEnumerable(rows);

        await DataViewWriter.WriteAsync(data, ObjectLocation.Local(path), DataFormatKind.Parquet, ["Id", "Score", "Vector"]);

        // Apache Arrow's C++ reader (pyarrow's) reads every value back.
        using var file = new ParquetSharp.ParquetFileReader(path);
        var ids = new List<long>();
        var scores = new List<float>();
        var vectors = new List<float[]>();
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var rowGroup = file.RowGroup(g);
            var count = checked((int)rowGroup.MetaData.NumRows);
            using (var reader = rowGroup.Column(0).LogicalReader<long>())
            {
                ids.AddRange(reader.ReadAll(count));
            }

            using (var reader = rowGroup.Column(1).LogicalReader<float>())
            {
                scores.AddRange(reader.ReadAll(count));
            }

            using (var reader = rowGroup.Column(2).LogicalReader<float[]>())
            {
                vectors.AddRange(reader.ReadAll(count));
            }

            // Integers are delta encoded: a run of ids costs a few bytes, not four per row.
            Assert.Contains(ParquetSharp.Encoding.DeltaBinaryPacked, rowGroup.MetaData.GetColumnChunkMetaData(0).Encodings);
            Assert.DoesNotContain(ParquetSharp.Encoding.DeltaBinaryPacked, rowGroup.MetaData.GetColumnChunkMetaData(1).Encodings);
            Assert.True(rowGroup.MetaData.GetColumnChunkMetaData(0).TotalCompressedSize < count / 10);
        }

        Assert.Equal(rows.Select(r => r.Id), ids);
        Assert.Equal(rows.Select(r => r.Score), scores);
        Assert.Equal(rows.Select(r => r.Vector), vectors);
    }

    [Fact]
    public async Task Vector_columns_round_trip_through_parquet_and_json_lines()
    {
        using var dir = new TempDirectory();
        var data = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new Row { Id = i, Vector = [i, -i] }));

        await DataViewWriter.WriteAsync(data, ObjectLocation.Local(dir.Combine("v.parquet")), DataFormatKind.Parquet, ["Vector"]);
        await DataViewWriter.WriteAsync(data, ObjectLocation.Local(dir.Combine("v.jsonl")), DataFormatKind.JsonLines, ["Vector"]);
        await DataViewWriter.WriteAsync(data, ObjectLocation.Local(dir.Combine("v.csv")), DataFormatKind.Csv, ["Id", "Vector"]);

        Assert.Equal(new float[] { 7, -7 }, DataViewReader.Vectors(_ml.Data.LoadFromParquet(dir.Combine("v.parquet")), "Vector")[7]);
        Assert.Equal(new float[] { 7, -7 }, DataViewReader.Vectors(_ml.Data.LoadFromJsonLines(dir.Combine("v.jsonl")), "Vector")[7]);
        Assert.Equal("Id,Vector.0,Vector.1", File.ReadLines(dir.Combine("v.csv")).First());
    }

    [Fact]
    public async Task A_failure_while_writing_leaves_no_file_under_the_final_name()
    {
        using var dir = new TempDirectory();
        var csv = dir.Combine("in.csv");
        await File.WriteAllTextAsync(csv, "a\n1\n2\nnot-a-number\n");
        var data = _ml.Data.LoadFromCsv(csv, new DataSourceOptions { Columns = new() { ["a"] = "float" } });
        var output = dir.Combine("out", "result.parquet");

        await Assert.ThrowsAsync<DataFormatException>(() => DataViewWriter.WriteAsync(data, ObjectLocation.Local(output), DataFormatKind.Parquet, blockRows: 1));

        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(dir.Combine("out")));
    }

    [Fact]
    public void Asking_for_a_column_that_does_not_exist_lists_the_available_ones()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new Row() });
        var error = Assert.Throws<MlNetBatchException>(() => DataViewWriter.SelectColumns(data.Schema, ["Id", "Nope"]));
        Assert.Contains("'Nope'", error.Message);
        Assert.Contains("Score", error.Message);
    }

    private sealed class Row
    {
        public long Id { get; set; }

        public float Score { get; set; }

        public string Name { get; set; } = string.Empty;

        [VectorType(2)]
        public float[] Vector { get; set; } = [0, 0];
    }
}
