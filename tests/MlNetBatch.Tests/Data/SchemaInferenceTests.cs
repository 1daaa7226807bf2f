using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>Schema inference skips unreadable records and keeps a column numeric despite a few stray values.</summary>
public class SchemaInferenceTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task A_non_number_at_row_300_of_a_float_column_is_an_outlier_and_a_bad_record_not_a_string_column()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("f.csv");
        var text = Csv("id,f1,f2", 1000, i => i == 300 ? $"{i},0.5,x" : $"{i},0.5,{i * 0.25}");
        await File.WriteAllTextAsync(path, text);
        var sink = new CollectingBadRecordSink();

        var source = (await PartitionedDataSource.OpenAsync(path)).WithBadRecords(sink);
        var f2 = DataViewReader.Column<float>(source.AsDataView(), "f2");

        var column = source.Columns.Single(c => c.Name == "f2");
        Assert.Equal(NumberDataViewType.Single, column.Type);
        Assert.Equal(new InferenceOutlier("f2", 300, text.IndexOf("300,0.5,x", StringComparison.Ordinal), "x"), Assert.Single(column.Outliers));
        Assert.Equal(NumberDataViewType.Int64, source.Columns[0].Type);
        Assert.Empty(source.Columns[0].Outliers);
        Assert.Equal(999, f2.Count);
        var bad = Assert.Single(sink.Records);
        Assert.Equal(("f2", 300L, "x"), (bad.Column, bad.Row, bad.Value));
    }

    [Theory]
    [InlineData(1000, 10, "float")]
    [InlineData(1000, 11, "string")]
    [InlineData(99, 1, "string")]
    [InlineData(100, 1, "float")]
    public async Task A_column_stays_numeric_while_at_most_one_percent_of_its_values_are_not_numbers(int rows, int strays, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("share.csv");
        await File.WriteAllTextAsync(path, Csv("v", rows, i => i < strays ? "n/a" : $"{i}.5"));

        var source = await PartitionedDataSource.OpenAsync(path);

        Assert.Equal(expected, ColumnTypeNames.Format(source.Columns[0].Type));
        Assert.Equal(expected == "float" ? Math.Min(strays, 5) : 0, source.Columns[0].Outliers.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Random_stray_values_are_outliers_and_bad_records_exactly_while_they_are_at_most_one_percent(int seed)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        var rows = random.Next(100, 1000);
        var strays = Enumerable.Range(0, rows).OrderBy(_ => random.Next()).Take(random.Next(0, (rows / 50) + 1)).Order().ToList();
        var numeric = strays.Count <= rows / 100;
        await File.WriteAllTextAsync(dir.Combine("s.csv"), Csv("v", rows, i => strays.Contains(i) ? "x" : $"{i}.25"));
        await File.WriteAllTextAsync(dir.Combine("s.jsonl"), string.Concat(Enumerable.Range(0, rows).Select(i => strays.Contains(i) ? "{\"v\": \"x\"}\n" : $"{{\"v\": {i}.25}}\n")));

        foreach (var file in new[] { "s.csv", "s.jsonl" })
        {
            var sink = new CollectingBadRecordSink();
            var source = (await PartitionedDataSource.OpenAsync(dir.Combine(file), new DataSourceOptions { InferenceSampleRows = rows })).WithBadRecords(sink);

            Assert.Equal(numeric ? "float" : "string", ColumnTypeNames.Format(source.Columns[0].Type));
            Assert.Equal(numeric ? strays.Take(5).Select(i => (long)i) : [], source.Columns[0].Outliers.Select(o => o.Row));
            if (numeric)
            {
                var values = DataViewReader.Column<float>(source.AsDataView(), "v");
                Assert.Equal(Enumerable.Range(0, rows).Except(strays).Select(i => i + 0.25f), values);
                Assert.Equal(strays.Select(i => (long)i), sink.Records.Select(r => r.Row));
            }
        }
    }

    [Fact]
    public async Task Ragged_and_malformed_records_in_the_sample_are_skipped()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("skip.csv");
        await File.WriteAllTextAsync(path, Csv("id,f", 50, i => i switch { 3 => "3,abc,extra", 4 => "4,\"ab\"c", 5 => "text", _ => $"{i},{i}.5" }));

        var source = await PartitionedDataSource.OpenAsync(path);

        Assert.Equal(["id: long", "f: float"], source.Columns.Select(c => c.ToString()));
    }

    [Fact]
    public async Task Without_a_header_the_field_count_most_records_share_sets_the_columns()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("nohead.csv");
        await File.WriteAllTextAsync(path, "1\n2,3\n4,5\n6,7\n");

        var source = await PartitionedDataSource.OpenAsync(path, new DataSourceOptions { HasHeader = false });

        Assert.Equal(["Column0: long", "Column1: long"], source.Columns.Select(c => c.ToString()));
    }

    [Fact]
    public async Task Malformed_and_whitespace_only_json_lines_are_skipped_by_inference_and_are_bad_records_when_read()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.jsonl");
        var text = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            text.Append(i switch { 100 => "{\"id\": 100, \"x\": ", 101 => "   ", _ => $"{{\"id\": {i}, \"x\": {i}.5}}" }).Append('\n');
        }

        await File.WriteAllTextAsync(path, text.ToString());

        var source = await PartitionedDataSource.OpenAsync(path);
        var strict = Assert.Throws<DataFormatException>(() => DataViewReader.Column<long>(source.AsDataView(), "id"));
        var sink = new CollectingBadRecordSink();
        var ids = DataViewReader.Column<long>(source.WithBadRecords(sink).AsDataView(), "id");

        Assert.Equal(["id: long", "x: float"], source.Columns.Select(c => c.ToString()));
        Assert.Equal(100, strict.Row);
        Assert.Equal(198, ids.Count);
        Assert.Equal([100L, 101L], sink.Records.Select(r => r.Row));
    }

    [Fact]
    public async Task A_json_string_among_numbers_is_an_outlier_and_a_bad_record()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("s.jsonl");
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Range(0, 1000).Select(i => i == 300 ? "{\"x\": \"oops\"}\n" : $"{{\"x\": {i}}}\n")));
        var sink = new CollectingBadRecordSink();

        var source = (await PartitionedDataSource.OpenAsync(path)).WithBadRecords(sink);
        var values = DataViewReader.Column<long>(source.AsDataView(), "x");

        Assert.Equal(NumberDataViewType.Int64, source.Columns[0].Type);
        Assert.Equal(("x", 300L, "oops"), (source.Columns[0].Outliers[0].Column, source.Columns[0].Outliers[0].Row, source.Columns[0].Outliers[0].Value));
        Assert.Equal(999, values.Count);
        Assert.Equal(300, Assert.Single(sink.Records).Row);
    }

    [Fact]
    public async Task A_json_property_of_mixed_strings_and_numbers_is_text_holding_the_numbers_as_written()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("mixed.jsonl");
        await File.WriteAllTextAsync(path, "{\"v\": \"a\"}\n{\"v\": 1.50}\n{\"v\": true}\n");

        var view = _ml.Data.LoadFromJsonLines(path);

        Assert.Equal(TextDataViewType.Instance, view.Schema["v"].Type);
        Assert.Equal(["a", "1.50", "true"], DataViewReader.Text(view, "v"));
    }

    private static string Csv(string header, int rows, Func<int, string> row) =>
        header + "\n" + string.Concat(Enumerable.Range(0, rows).Select(i => row(i) + "\n"));
}
