using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Storage;

public class GlobPatternTests
{
    [Theory]
    [InlineData("data/*.parquet", "data/a.parquet", true)]
    [InlineData("data/*.parquet", "data/sub/a.parquet", false)]
    [InlineData("data/**/*.parquet", "data/a.parquet", true)]
    [InlineData("data/**/*.parquet", "data/x/y/a.parquet", true)]
    [InlineData("data/part-?.csv", "data/part-1.csv", true)]
    [InlineData("data/part-?.csv", "data/part-10.csv", false)]
    [InlineData("data/a+b(1).csv", "data/a+b(1).csv", true)]
    public void Patterns_match_as_documented(string pattern, string path, bool expected) =>
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsMatch(path));

    [Fact]
    public void Literal_prefix_stops_at_the_segment_before_the_first_wildcard() =>
        Assert.Equal("bucket/data/", GlobPattern.Parse("bucket/data/part-*/x.parquet").LiteralPrefix);
}
