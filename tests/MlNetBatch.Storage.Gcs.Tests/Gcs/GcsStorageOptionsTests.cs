using MlNetBatch.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;

namespace MlNetBatch.Storage.Gcs.Tests.Gcs;

public class GcsStorageOptionsTests
{
    [Fact]
    public void Defaults_suit_google_cloud_storage()
    {
        var options = new GcsStorageOptions();

        Assert.Null(options.BaseUri);
        Assert.Null(options.ProjectId);
        Assert.False(options.Anonymous);
        Assert.Equal((4 << 20, 8 << 20, 16 << 20), (options.ReadBlockBytes, options.ReadAheadBytes, options.UploadChunkBytes));
        Assert.True(new GcsStorageOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Invalid_options_report_every_problem_with_its_configuration_path()
    {
        var options = new GcsStorageOptions { BaseUri = "localhost:9199", ReadBlockBytes = 1, ReadAheadBytes = -1, UploadChunkBytes = 1000 };

        var failures = new GcsStorageOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(4, failures.Count);
        Assert.Contains("MlNetBatch:Storage:Gcs:BaseUri: 'localhost:9199' is not an absolute http or https URL", failures[0]);
        Assert.StartsWith("MlNetBatch:Storage:Gcs:ReadBlockBytes: must be from 65536", failures[1]);
        Assert.StartsWith("MlNetBatch:Storage:Gcs:ReadAheadBytes: must be from 0", failures[2]);
        Assert.StartsWith("MlNetBatch:Storage:Gcs:UploadChunkBytes: must be a multiple of 262144", failures[3]);
    }

    [Fact]
    public void Options_bind_from_the_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MlNetBatch:Storage:Gcs:BaseUri"] = "http://127.0.0.1:9199/storage/v1/",
            ["MlNetBatch:Storage:Gcs:ProjectId"] = "my-project",
            ["MlNetBatch:Storage:Gcs:Anonymous"] = "true",
        }).Build();
        var services = new ServiceCollection().AddObjectStore(GcsObjectStore.Provider, configuration.GetSection(GcsStorageOptions.SectionName));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<GcsStorageOptions>>().Value;

        Assert.Equal(("http://127.0.0.1:9199/storage/v1/", "my-project", true), (options.BaseUri, options.ProjectId, options.Anonymous));
    }

    [Fact]
    public void AddObjectStore_registers_the_store_once_however_often_it_is_called()
    {
        var services = new ServiceCollection()
            .AddObjectStore(GcsObjectStore.Provider, o => o.Anonymous = true)
            .AddObjectStore(GcsObjectStore.Provider, o => o.ReadBlockBytes = 1 << 20);

        using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<GcsObjectStore>(Assert.Single(provider.GetServices<IObjectStore>()));
        Assert.True(store.CanHandle(ObjectLocation.Parse("gs://bucket/key")));
        Assert.False(store.CanHandle(ObjectLocation.Parse("s3://bucket/key")));
    }

    [Fact]
    public async Task A_host_with_invalid_gcs_options_fails_to_start_with_every_problem_listed()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddObjectStore(GcsObjectStore.Provider, o => (o.UploadChunkBytes, o.ReadBlockBytes) = (1000, 1));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("MlNetBatch:Storage:Gcs:UploadChunkBytes: must be a multiple of 262144", error.Message);
        Assert.Contains("MlNetBatch:Storage:Gcs:ReadBlockBytes: must be from 65536", error.Message);
    }
}
