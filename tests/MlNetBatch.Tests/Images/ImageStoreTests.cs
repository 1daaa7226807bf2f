using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Images;

/// <summary>Images read from a real s3rver and a real Azurite equal the same images read from a local folder.</summary>
public sealed class ImageStoreTests(CrossStoreServers servers) : IClassFixture<CrossStoreServers>
{
    [Fact]
    public async Task Images_from_S3_and_Azure_decode_to_the_pixels_of_the_local_files()
    {
        using var dir = new TempDirectory();
        var local = ImageFolders.WriteScenes(dir.Combine("in"), 7, width: 16, height: 12);
        ImageFolders.Write(dir.Combine("in", "odd name ü.v2.png"), Testing.Images.GeneratedImages.Scene(10, 10, seed: 99), SkiaSharp.SKEncodedImageFormat.Png);
        var prefix = $"images-{Guid.NewGuid():N}";
        var s3 = $"s3://{CrossStoreServers.Bucket}/{prefix}/";
        var azure = $"az://devstoreaccount1/{CrossStoreServers.Container}/{prefix}/";
        foreach (var file in Directory.GetFiles(dir.Combine("in")))
        {
            await UploadAsync(servers.S3Store, s3 + Path.GetFileName(file), file);
            await UploadAsync(servers.AzureStore, azure + Path.GetFileName(file), file);
        }

        var resolver = new ObjectStoreResolver([servers.S3Store, servers.AzureStore]);
        var expected = Pixels(dir.Combine("in"), ObjectStoreResolver.LocalOnly);

        var fromS3 = Pixels(s3, resolver);
        var fromAzure = Pixels(azure + "*.png", resolver);

        Assert.Equal(8, expected.Count);
        Assert.Equal(expected, fromS3);
        Assert.Equal(expected, fromAzure);
        Assert.Contains(fromS3.Keys, k => k == "odd name ü.v2.png");
        Assert.Equal(local.Count + 1, fromAzure.Count);
    }

    /// <summary>Every image's decoded pixels, by file name, read through small partitions and chunks.</summary>
    private static Dictionary<string, byte[]> Pixels(string path, ObjectStoreResolver resolver)
    {
        var ml = new MLContext(seed: 1);
        var images = ml.Data.LoadImages(path, new DataSourceOptions { FilesPerPartition = 3, ChunkRows = 2, FetchConcurrency = 4 }, resolver);
        var decoded = ml.Transforms.DecodeImage().Fit(images).Transform(images);
        return ImageFolders.ByPath<byte>(decoded, "image").ToDictionary(r => Uri.UnescapeDataString(r.Key[(r.Key.LastIndexOf('/') + 1)..]), r => r.Value);
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
