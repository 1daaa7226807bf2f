using Microsoft.ML;
using MlNetBatch.Jobs;
using MlNetBatch.Storage;
using MlNetBatch.Storage.Azure;
using MlNetBatch.Storage.S3;
using MlNetBatch.Tests.Jobs.Commit;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Storage;

/// <summary>Jobs that read from one store and write to another, against a real s3rver and a real Azurite.</summary>
public sealed class CrossStoreJobTests(CrossStoreServers servers) : IClassFixture<CrossStoreServers>
{
    private const string Bucket = CrossStoreServers.Bucket;
    private const string Container = CrossStoreServers.Container;
    private readonly S3ObjectStore _s3Store = servers.S3Store;
    private readonly AzureBlobObjectStore _azureStore = servers.AzureStore;

    [Fact]
    public async Task A_job_from_S3_to_Azure_and_one_from_Azure_to_S3_equal_the_local_job()
    {
        using var dir = new TempDirectory();
        await ExactlyOnceTests.WriteInputAsync(dir, files: 2, rows: 300);
        var resolver = new ObjectStoreResolver([_s3Store, _azureStore]);
        foreach (var file in Directory.GetFiles(dir.Combine("in")))
        {
            await UploadAsync(_s3Store, $"s3://{Bucket}/in/{Path.GetFileName(file)}", file);
            await UploadAsync(_azureStore, $"az://devstoreaccount1/{Container}/in/{Path.GetFileName(file)}", file);
        }

        var runner = new JobRunner(resolver, new JobPaths(dir.Path));
        var model = RepositoryPaths.SampleModel;
        await runner.RunAsync("local", TabularJobs.Parquet(dir.Combine("in", "*.parquet"), model, dir.Combine("local")));
        var toAzure = await runner.RunAsync("s3-to-azure", TabularJobs.Parquet($"s3://{Bucket}/in/*.parquet", model, $"az://devstoreaccount1/{Container}/out"));
        var toS3 = await runner.RunAsync("azure-to-s3", TabularJobs.Parquet($"az://devstoreaccount1/{Container}/in/*.parquet", model, $"s3://{Bucket}/out"));

        Assert.Equal(600, toAzure.RowsOut);
        Assert.Equal(600, toS3.RowsOut);
        var ml = new MLContext();
        var expected = ExactlyOnceTests.ScoresById(ml, dir.Combine("local"));
        Assert.Equal(expected, await ScoresAsync(ml, resolver, $"az://devstoreaccount1/{Container}/out/*.parquet"));
        Assert.Equal(expected, await ScoresAsync(ml, resolver, $"s3://{Bucket}/out/*.parquet"));
        // The commit protocol works on object stores too: manifest and success marker, no lease left behind.
        await _s3Store.StatAsync(ObjectLocation.Parse($"s3://{Bucket}/out/_SUCCESS"));
        await _azureStore.StatAsync(ObjectLocation.Parse($"az://devstoreaccount1/{Container}/out/_manifest.json"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => _azureStore.StatAsync(ObjectLocation.Parse($"az://devstoreaccount1/{Container}/out/_lease.json")));
    }

    [Fact]
    public async Task Leases_on_object_stores_are_created_once_and_refuse_a_second_run()
    {
        foreach (var (store, directory) in new (IObjectStore, string)[] { (_s3Store, $"s3://{Bucket}/leased"), (_azureStore, $"az://devstoreaccount1/{Container}/leased") })
        {
            var location = ObjectLocation.Parse(directory + "/marker");
            Assert.NotNull(await store.TryCreateNewAsync(location, "first"u8.ToArray()));
            Assert.Null(await store.TryCreateNewAsync(location, "second"u8.ToArray()));
            await using (var read = await store.OpenReadAsync(location))
            using (var reader = new StreamReader(read))
            {
                Assert.Equal("first", await reader.ReadToEndAsync());
            }

            var output = ObjectLocation.Parse(directory);
            await using var held = await MlNetBatch.Jobs.Commit.OutputLease.AcquireAsync(store, output, "one", null, TimeSpan.FromMinutes(1), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default);
            var refused = await Assert.ThrowsAsync<MlNetBatch.Jobs.Commit.OutputLeasedException>(() =>
                MlNetBatch.Jobs.Commit.OutputLease.AcquireAsync(store, output, "two", null, TimeSpan.FromMinutes(1), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default));
            Assert.Contains(held.Holder, refused.Message);
        }

        // Azure honours If-None-Match: of writers racing for one name, exactly one wins.
        var raced = ObjectLocation.Parse($"az://devstoreaccount1/{Container}/raced");
        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _azureStore.TryCreateNewAsync(raced, new[] { (byte)i })));
        Assert.Equal(1, wins.Count(w => w is not null));
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

    private static Task<Dictionary<long, float>> ScoresAsync(MLContext ml, ObjectStoreResolver resolver, string uri)
    {
        var view = MlNetBatch.Data.DataLoadCatalogExtensions.LoadFrom(ml.Data, uri, MlNetBatch.Data.DataFormatKind.Parquet, null, resolver);
        var ids = DataViewReader.Column<long>(view, "id");
        var probabilities = DataViewReader.Vectors(view, "probabilities");
        return Task.FromResult(ids.Select((id, i) => (id, probabilities[i][1])).ToDictionary(p => p.id, p => p.Item2));
    }
}
