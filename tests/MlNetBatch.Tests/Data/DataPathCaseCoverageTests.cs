namespace MlNetBatch.Tests.Data;

/// <summary>The seeds the data-path property runs (<see cref="DataPathProperty"/>) cover what it is meant to.</summary>
public class DataPathCaseCoverageTests
{
    [Fact]
    public void The_generated_cases_cover_every_format_and_the_awkward_values()
    {
        var cases = DataPathProperty.AllSeeds.Select(DataPathProperty.Case).ToList();

        Assert.Equal(3, cases.Select(c => c.Format).Distinct().Count());
        // Each case runs in the test class of its format: a case in any other format would run nowhere.
        Assert.All(cases, c => Assert.Contains(c.Format.Name, new[] { "Csv", "JsonLines", "Parquet" }));
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
