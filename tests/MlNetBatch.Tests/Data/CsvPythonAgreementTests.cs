using System.Text;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>Property tests: MlNetBatch reads random CSV files exactly as Python's csv module does, however they are partitioned.</summary>
public class CsvPythonAgreementTests
{
    private readonly MLContext _ml = new(seed: 1);

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_files_read_as_python_reads_them_in_order_across_many_small_partitions(int seed)
    {
        using var dir = new TempDirectory();
        var csv = RandomCsv.Generate(seed, rows: 40 + (seed * 7 % 260));
        var path = dir.Combine($"r{seed}.csv");
        await File.WriteAllTextAsync(path, csv.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var expected = PythonOracle.CsvRecords(path);
        var options = new DataSourceOptions
        {
            Columns = csv.Header.ToDictionary(name => name, _ => "string"),
            PartitionBytes = 1024,
            ChunkRows = 1 + (seed % 7),
        };

        var view = _ml.Data.LoadFromCsv(path, options);
        var actual = TextRows.Read(view);

        Assert.Equal(csv.Header, expected[0]);
        Assert.Equal(expected.Count - 1, actual.Count);
        for (var i = 0; i < actual.Count; i++)
        {
            Assert.True(expected[i + 1].SequenceEqual(actual[i]), $"seed {seed}, row {i}: python [{string.Join("|", expected[i + 1])}], ours [{string.Join("|", actual[i])}]");
        }

        var partitions = await view.Source.GetPartitionsAsync();
        Assert.True(partitions.Count > 1 || csv.Text.Length < 1024, $"seed {seed}: expected several partitions");
        AssertPartitionsStartOutsideRecords(partitions, csv.Records, Encoding.UTF8.GetByteCount(csv.Text));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Parallel_cursors_read_the_same_rows_as_python_none_lost_or_duplicated(int seed)
    {
        using var dir = new TempDirectory();
        var csv = RandomCsv.Generate(seed + 1000, rows: 200);
        var path = dir.Combine("p.csv");
        File.WriteAllText(path, csv.Text, new UTF8Encoding(false));
        var expected = PythonOracle.CsvRecords(path).Skip(1).Select(r => string.Join("\u0001", r)).Order(StringComparer.Ordinal).ToList();
        var options = new DataSourceOptions { Columns = csv.Header.ToDictionary(n => n, _ => "string"), PartitionBytes = 1024, ChunkRows = 3 };
        var view = _ml.Data.LoadFromCsv(path, options);

        var rows = new List<string>();
        foreach (var cursor in view.GetRowCursorSet(view.Schema, 3))
        {
            using (cursor)
            {
                var getters = view.Schema.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
                ReadOnlyMemory<char> value = default;
                while (cursor.MoveNext())
                {
                    rows.Add(string.Join("\u0001", getters.Select(g =>
                    {
                        g(ref value);
                        return value.ToString();
                    })));
                }
            }
        }

        Assert.Equal(expected, rows.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task A_record_longer_than_many_partitions_moves_their_splits_to_the_next_record_start()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("long.csv");
        var huge = string.Concat(Enumerable.Range(0, 600).Select(i => $"{i},\"\"fake\"\"\n"));
        var text = "id,note\n1,a\n2,\"" + huge + "\"\n3,c\n" + string.Concat(Enumerable.Range(4, 300).Select(i => $"{i},n{i}\n"));
        await File.WriteAllTextAsync(path, text);

        var view = _ml.Data.LoadFromCsv(path, new DataSourceOptions { PartitionBytes = 1024 });
        var partitions = await view.Source.GetPartitionsAsync();

        Assert.Equal(0, partitions[0].Start);
        Assert.Equal(new FileInfo(path).Length, partitions.Sum(p => p.Length));
        Assert.All(partitions.Zip(partitions.Skip(1)), pair => Assert.Equal(pair.First.Start + pair.First.Length, pair.Second.Start));
        Assert.All(partitions, p => Assert.True(p.Length > 0));
        Assert.Equal(text.IndexOf("3,c\n", StringComparison.Ordinal), partitions[1].Start);
        Assert.Equal(Enumerable.Range(1, 303).Select(i => (long)i), DataViewReader.Column<long>(view, "id"));
        Assert.Equal(huge.Replace("\"\"", "\""), DataViewReader.Text(view, "note")[1]);
    }

    private static void AssertPartitionsStartOutsideRecords(IReadOnlyList<Partition> partitions, List<(int Start, int End)> records, long fileSize)
    {
        Assert.Equal(fileSize, partitions.Sum(p => p.Length));
        foreach (var partition in partitions.Skip(1))
        {
            var inside = records.FirstOrDefault(r => r.Start < partition.Start && partition.Start <= r.End);
            Assert.True(inside == default, $"partition {partition.Id} starts inside the record at bytes {inside.Start}-{inside.End}");
        }
    }
}
