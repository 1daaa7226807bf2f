using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Data;

/// <summary>A cluster run's stored listing reads back as the very files its planner listed, whatever their names.</summary>
public class SourceListingTests
{
    [Fact]
    public void A_listing_reads_back_as_the_same_files_for_every_store_and_odd_name()
    {
        var modified = new DateTimeOffset(2026, 12, 2, 7, 30, 15, 123, TimeSpan.Zero);
        var locations = new[]
        {
            "/data/in/part.0.parquet", "/data/my files/sales 2024.01.csv", "/data/données/été #1.csv", "/data/日本語/ファイル.jsonl",
            "s3://bucket/in/part 0.parquet", "az://account/container/a/b.c.csv", "gs://bucket/x/y.jsonl", "https://example.com/data/a.csv?sig=x%2By",
        };
        var files = locations.Select((l, i) => new ObjectInfo(ObjectLocation.Parse(l), 1000 + i, $"\"etag-{i}\"", modified.AddSeconds(i))).ToList();

        var read = SourceListing.FromJson(SourceListing.ToJson(files));

        Assert.Equal(files, read);
        Assert.Equal(locations, read.Select(f => f.Location.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{ \"Location\": 1 }")]
    public void A_body_that_is_no_listing_is_refused(string json) =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => SourceListing.FromJson(json));
}
