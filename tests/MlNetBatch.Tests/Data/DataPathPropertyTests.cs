using MlNetBatch.Testing.DataPath;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>
/// The whole data path as a property: for generated inputs (every format, awkward text, extreme numbers, odd file
/// names, many partition and chunk sizes), every value read through every consumer path, and written by every
/// sink, equals the value written, as an independent reader (Python's csv and json, Apache Arrow) sees it.
/// Fixed seeds here; <c>bench -- --data-path-property N</c> runs many more.
/// </summary>
public class DataPathPropertyTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 40));

    /// <summary>
    /// The generator makes up to 400 rows per file; the first 150 still cross many 1 KB partitions, chunks and row groups
    /// (a Parquet file of one-row groups is read in one partition per group), at a fraction of the time. The bench runs full-size cases.
    /// </summary>
    private const int MaxRowsPerFile = 150;

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_value_read_and_written_equals_the_value_that_went_in(int seed)
    {
        using var dir = new TempDirectory();
        DataPathCheck.Run(DataPathCase.Generate(seed, MaxRowsPerFile), dir.Path);
    }

    [Fact]
    public void The_generated_cases_cover_every_format_and_the_awkward_values()
    {
        var cases = Enumerable.Range(1, 40).Select(seed => DataPathCase.Generate(seed, MaxRowsPerFile)).ToList();

        Assert.Equal(3, cases.Select(c => c.Format).Distinct().Count());
        var rows = cases.SelectMany(c => c.AllRows).ToList();
        Assert.Contains(rows, r => r.S.Contains('\n') && r.S.Contains(','));
        Assert.Contains(rows, r => r.S.Contains('"'));
        Assert.Contains(rows, r => r.S.Length == 0);
        Assert.Contains(rows, r => r.S.Any(c => c > 127));
        Assert.Contains(cases, c => c.Files.Count > 1 && c.Files.Select(f => Path.GetFileName(f.Path)).Distinct().Count() < c.Files.Count);
        Assert.Contains(cases, c => c.Files.Any(f => f.Path.Contains(' ')) && c.Files.Any(f => f.Path.Count(ch => ch == '.') > 1));
        Assert.Contains(cases, c => c.PartitionBytes == 1024 && c.ChunkRows == 1);
    }
}
