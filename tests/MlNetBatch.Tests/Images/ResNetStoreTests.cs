using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Images;

/// <summary>The image sample job reading its images from a real s3rver and a real Azurite writes what it writes from a local folder.</summary>
public sealed class ResNetStoreTests(CrossStoreServers servers) : IClassFixture<CrossStoreServers>
{
    private const int Images = 10;

    [Fact]
    public async Task Images_from_s3_and_azure_give_the_features_of_the_same_images_on_local_disk()
    {
        using var dir = new TempDirectory();
        var local = ImageSamples.WriteFolder(dir.Combine("local"), Images);
        var s3 = $"s3://{CrossStoreServers.Bucket}/resnet-images";
        var azure = $"az://devstoreaccount1/{CrossStoreServers.Container}/resnet-images";
        foreach (var file in local)
        {
            await UploadAsync(servers.S3Store, $"{s3}/{Path.GetFileName(file)}", file);
            await UploadAsync(servers.AzureStore, $"{azure}/{Path.GetFileName(file)}", file);
        }

        // A partition of 4 files, so each store's listing is split and fetched partition by partition.
        var runner = new JobRunner(new ObjectStoreResolver([servers.S3Store, servers.AzureStore]), new JobPaths(dir.Path));
        var expected = await RunAsync(runner, "local", dir.Combine("local"), dir);
        var fromS3 = await RunAsync(runner, "s3", s3, dir);
        var fromAzure = await RunAsync(runner, "azure", azure, dir);

        Assert.Equal(Images, expected.Count);
        Assert.Equal(local.Select(Path.GetFileName), expected.Keys.Order(StringComparer.Ordinal));
        foreach (var remote in new[] { fromS3, fromAzure })
        {
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), remote.Keys.Order(StringComparer.Ordinal));
            Assert.All(expected, row => Assert.Equal(row.Value, remote[row.Key]));
        }
    }

    private static async Task<Dictionary<string, float[]>> RunAsync(JobRunner runner, string name, string source, TempDirectory dir)
    {
        var job = ResNetSample.Job(source, dir.Combine($"out-{name}"));
        job.Source.FilesPerPartition = 4;
        var summary = await runner.RunAsync(name, job);
        Assert.Equal(Images, summary.RowsOut);
        Assert.Equal(3, summary.Partitions);
        return ResNetSample.ByFileName(dir.Combine($"out-{name}"), "features");
    }

    private static async Task UploadAsync(IObjectStore store, string uri, string file)
    {
        await using var write = await store.CreateAsync(ObjectLocation.Parse(uri));
        await using (var source = File.OpenRead(file))
        {
            await source.CopyToAsync(write.Stream);
        }

        await write.CommitAsync();
    }
}
