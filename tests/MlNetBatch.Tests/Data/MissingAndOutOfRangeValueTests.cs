using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>No value silently becomes NaN: out-of-range numbers are bad records, and missing values follow MissingValues.</summary>
public sealed class MissingAndOutOfRangeValueTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("csv", "id,f\n0,1.5\n1,1e40\n2,-1e40\n")]
    [InlineData("jsonl", "{\"id\": 0, \"f\": 1.5}\n{\"id\": 1, \"f\": 1e40}\n{\"id\": 2, \"f\": -1e40}\n")]
    public async Task A_number_beyond_float_range_fails_a_strict_read_and_is_a_bad_record_naming_column_and_value(string extension, string text)
    {
        var (view, sink) = await OpenAsync(extension, text, new() { ["id"] = "long", ["f"] = "float" });

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<float>(view, "f"));
        var values = DataViewReader.Column<float>(view.Source.WithBadRecords(sink).AsDataView(), "f");

        Assert.Equal("f", error.Column);
        Assert.Contains("'1e40' is out of range for float", error.Message);
        Assert.Equal([1.5f], values);
        Assert.Equal([1L, 2L], sink.Records.Select(r => r.Row));
        Assert.All(sink.Records, r => Assert.Equal("f", r.Column));
        Assert.Contains("'-1e40' is out of range", sink.Records[1].Reason);
    }

    [Fact]
    public async Task A_double_column_holds_1e40_but_not_1e400()
    {
        var (view, sink) = await OpenAsync("csv", "d\n1e40\n1e400\n", new() { ["d"] = "double" });

        var values = DataViewReader.Column<double>(view.Source.WithBadRecords(sink).AsDataView(), "d");

        Assert.Equal([1e40], values);
        Assert.Contains("'1e400' is out of range for double", Assert.Single(sink.Records).Reason);
    }

    [Theory]
    [InlineData("csv", "id,f\n0,\n1,NA\n2,NaN\n3,2.5\n")]
    [InlineData("jsonl", "{\"id\": 0, \"f\": null}\n{\"id\": 1}\n{\"id\": 2, \"f\": 3.5}\n{\"id\": 3, \"f\": 2.5}\n")]
    public async Task Missing_values_are_NaN_by_default_and_bad_records_when_MissingValues_is_BadRecord(string extension, string text)
    {
        var schema = new Dictionary<string, string> { ["id"] = "long", ["f"] = "float" };
        var (byDefault, _) = await OpenAsync(extension, text, schema);
        var (strict, sink) = await OpenAsync(extension, text, schema, MissingValueHandling.BadRecord);

        var defaults = DataViewReader.Column<float>(byDefault, "f");
        var kept = DataViewReader.Column<float>(strict.Source.WithBadRecords(sink).AsDataView(), "f");

        Assert.True(float.IsNaN(defaults[0]) && float.IsNaN(defaults[1]));
        Assert.Equal(2.5f, defaults[3]);
        Assert.Equal([0L, 1L], sink.Records.Select(r => r.Row));
        Assert.All(sink.Records, r => Assert.Contains("MissingValues is BadRecord", r.Reason));
        Assert.Equal(2.5f, kept[1]);
        Assert.Equal(extension == "csv" ? float.NaN : 3.5f, kept[0]);
    }

    [Fact]
    public async Task An_empty_integer_is_a_bad_record_whatever_MissingValues_says()
    {
        var (view, sink) = await OpenAsync("csv", "id,n\n0,\n1,7\n", new() { ["id"] = "long", ["n"] = "int" });

        var values = DataViewReader.Column<int>(view.Source.WithBadRecords(sink).AsDataView(), "n");

        Assert.Equal([7], values);
        Assert.Contains("int columns cannot hold missing values", Assert.Single(sink.Records).Reason);
    }

    [Fact]
    public async Task Json_vector_items_out_of_range_or_null_follow_the_same_rules()
    {
        const string Text = "{\"v\": [1, 1e40]}\n{\"v\": [null, 2]}\n{\"v\": [3, 4]}\n";
        var (byDefault, sink) = await OpenAsync("jsonl", Text, new() { ["v"] = "float[2]" });
        var (strict, strictSink) = await OpenAsync("jsonl", Text, new() { ["v"] = "float[2]" }, MissingValueHandling.BadRecord);

        var vectors = DataViewReader.Vectors(byDefault.Source.WithBadRecords(sink).AsDataView(), "v");
        var strictVectors = DataViewReader.Vectors(strict.Source.WithBadRecords(strictSink).AsDataView(), "v");

        Assert.Equal(2, vectors.Count);
        Assert.True(float.IsNaN(vectors[0][0]));
        Assert.Contains("'1e40', is out of range for float", Assert.Single(sink.Records).Reason);
        Assert.Equal([new float[] { 3, 4 }], strictVectors);
        Assert.Equal(2, strictSink.Records.Count);
    }

    [Fact]
    public void MissingValues_is_bound_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MissingValues"] = "BadRecord" }).Build();

        Assert.Equal(MissingValueHandling.NaN, new DataSourceOptions().MissingValues);
        Assert.Equal(MissingValueHandling.BadRecord, configuration.Get<DataSourceOptions>()!.MissingValues);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_numbers_read_as_python_converts_them_to_float32_or_are_bad_records_where_python_overflows(int seed)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        var values = Enumerable.Range(0, 2000).Select(_ => RandomNumber(random)).ToList();
        var expected = PythonOracle.Float32(values, dir.Combine("values.json"));
        await File.WriteAllTextAsync(dir.Combine("n.csv"), "i,f\n" + string.Concat(values.Select((v, i) => $"{i},{v}\n")));
        await File.WriteAllTextAsync(dir.Combine("n.jsonl"), string.Concat(values.Select((v, i) => v.Length == 0 ? $"{{\"i\": {i}, \"f\": null}}\n" : $"{{\"i\": {i}, \"f\": {v}}}\n")));
        var options = new DataSourceOptions { Columns = new() { ["i"] = "long", ["f"] = "float" }, PartitionBytes = 1024, ChunkRows = 64 };

        foreach (var file in new[] { "n.csv", "n.jsonl" })
        {
            var sink = new CollectingBadRecordSink();
            var view = (await PartitionedDataSource.OpenAsync(dir.Combine(file), options)).WithBadRecords(sink).AsDataView();
            var read = ReadPairs(view);

            Assert.Equal(Enumerable.Range(0, values.Count).Where(i => expected[i] != "overflow").Select(i => (long)i), read.Keys.Order());
            Assert.Equal(expected.Count(e => e == "overflow"), sink.Records.Count);
            Assert.All(sink.Records, r => Assert.Contains("out of range for float", r.Reason));
            for (var i = 0; i < values.Count; i++)
            {
                if (expected[i] == "overflow")
                {
                    continue;
                }

                var value = read[i];
                if (expected[i] == "missing")
                {
                    Assert.True(float.IsNaN(value), $"{file} row {i}");
                    continue;
                }

                // Python rounds to double and then to float32; .NET rounds once: they may differ by one float32 step.
                var python = (float)double.Parse(expected[i], CultureInfo.InvariantCulture);
                Assert.True(value == python || Math.Abs(BitConverter.SingleToInt32Bits(value) - BitConverter.SingleToInt32Bits(python)) <= 1,
                    $"{file} row {i}: '{values[i]}' read as {value:R}, python says {python:R}");
            }
        }
    }

    /// <summary>Reads i and f through one cursor, so that a bad f drops its row from both.</summary>
    private static Dictionary<long, float> ReadPairs(Microsoft.ML.IDataView view)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        var id = cursor.GetGetter<long>(view.Schema["i"]);
        var number = cursor.GetGetter<float>(view.Schema["f"]);
        var pairs = new Dictionary<long, float>();
        long i = 0;
        float f = 0;
        while (cursor.MoveNext())
        {
            id(ref i);
            number(ref f);
            pairs.Add(i, f);
        }

        return pairs;
    }

    private static string RandomNumber(Random random)
    {
        if (random.Next(20) == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder(random.Next(2) == 0 ? "-" : string.Empty);
        text.Append(random.Next(1, 10)).Append('.').Append(random.Next(0, 100000));
        return random.Next(3) == 0 ? text.ToString() : text.Append('e').Append(random.Next(-50, 50)).ToString();
    }

    private async Task<(PartitionedDataView View, CollectingBadRecordSink Sink)> OpenAsync(
        string extension, string text, Dictionary<string, string> schema, MissingValueHandling missing = MissingValueHandling.NaN)
    {
        var path = _dir.Combine($"{Guid.NewGuid():N}.{extension}");
        await File.WriteAllTextAsync(path, text);
        var options = new DataSourceOptions { Columns = schema, MissingValues = missing };
        return ((await PartitionedDataSource.OpenAsync(path, options)).AsDataView(), new CollectingBadRecordSink());
    }

    public void Dispose() => _dir.Dispose();
}
