using MlNetBatch.Storage;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;

namespace MlNetBatch.Storage.S3.Tests.S3;

public sealed class S3StorageOptionsTests : IDisposable
{
    // Explicit credentials keep the SDK from searching the default chain for them.
    private readonly string _credentials = Path.Combine(Path.GetTempPath(), $"mlnetbatch-s3-credentials-{Guid.NewGuid():N}");

    public S3StorageOptionsTests() =>
        File.WriteAllText(_credentials, "[test]\naws_access_key_id = TEST\naws_secret_access_key = TEST\n");

    public void Dispose() => File.Delete(_credentials);

    [Fact]
    public void Defaults_suit_amazon_s3()
    {
        var options = new S3StorageOptions();

        Assert.Null(options.Region);
        Assert.Null(options.ServiceUrl);
        Assert.False(options.ForcePathStyle);
        Assert.Null(options.Profile);
        Assert.Null(options.ProfilesLocation);
        Assert.Empty(options.Schemes);
        Assert.Equal(["s3"], S3StorageOptions.DefaultSchemes);
        Assert.True(options.UseChunkEncoding);
        Assert.Equal(8 << 20, options.PartSizeBytes);
        Assert.Equal(4 << 20, options.ReadBlockBytes);
        Assert.Equal(8 << 20, options.ReadAheadBytes);
        Assert.Equal(4, options.MaxRetries);
        Assert.Equal(RequestRetryMode.Standard, options.RetryMode);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ConnectTimeout);
        Assert.True(new S3StorageOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Invalid_options_report_every_problem_with_its_configuration_path()
    {
        var options = new S3StorageOptions
        {
            Region = " ",
            ServiceUrl = "localhost:9000",
            ProfilesLocation = "/no/such/credentials",
            Schemes = ["s3://", "https"],
            PartSizeBytes = 1 << 20,
            ReadBlockBytes = 100,
            ReadAheadBytes = -1,
            MaxRetries = 50,
            RequestTimeout = TimeSpan.Zero,
        };

        var failures = new S3StorageOptionsValidator().Validate(null, options).Failures!;

        Assert.Equal(
        [
            "MlNetBatch:Storage:S3:Region: must not be blank; leave it out to use the SDK's default region.",
            "MlNetBatch:Storage:S3:ServiceUrl: 'localhost:9000' is not an absolute http:// or https:// URL (for example http://127.0.0.1:9000).",
            "MlNetBatch:Storage:S3:ProfilesLocation: the credentials file '/no/such/credentials' does not exist.",
            "MlNetBatch:Storage:S3:Schemes: 's3://' is not a URI scheme; write it without '://', for example s3 or gs.",
            "MlNetBatch:Storage:S3:Schemes: 'https' belongs to another store and cannot be served through S3.",
            "MlNetBatch:Storage:S3:PartSizeBytes: must be from 5242880 (5 MiB, the smallest part S3 accepts) to 1073741824 (1 GiB); it is 1048576.",
            "MlNetBatch:Storage:S3:ReadBlockBytes: must be from 65536 (64 KiB) to 1073741824 (1 GiB); it is 100.",
            "MlNetBatch:Storage:S3:ReadAheadBytes: must be from 0 (no read-ahead) to 1073741824 (1 GiB); it is -1.",
            "MlNetBatch:Storage:S3:MaxRetries: must be from 0 to 20; it is 50.",
            "MlNetBatch:Storage:S3:RequestTimeout: must be greater than zero; it is 00:00:00.",
        ], failures);
        var error = Assert.Throws<OptionsValidationException>(() => new S3ObjectStore(options));
        Assert.Equal(failures, error.Failures);
    }

    [Fact]
    public void Options_bind_from_the_configuration_section_and_a_scheme_list_replaces_the_default()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MlNetBatch:Storage:S3:ServiceUrl"] = "https://storage.googleapis.com",
            ["MlNetBatch:Storage:S3:Profile"] = "test",
            ["MlNetBatch:Storage:S3:ProfilesLocation"] = _credentials,
            ["MlNetBatch:Storage:S3:Schemes:0"] = "gs",
            ["MlNetBatch:Storage:S3:UseChunkEncoding"] = "false",
            ["MlNetBatch:Storage:S3:PartSizeBytes"] = "16777216",
            ["MlNetBatch:Storage:S3:RetryMode"] = "Adaptive",
            ["MlNetBatch:Storage:S3:RequestTimeout"] = "00:00:30",
        }).Build();
        using var provider = new ServiceCollection().AddObjectStore(S3ObjectStore.Provider, configuration.GetSection(S3StorageOptions.SectionName)).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<S3StorageOptions>>().Value;

        Assert.Equal(["gs"], options.Schemes);
        Assert.Equal("https://storage.googleapis.com", options.ServiceUrl);
        Assert.False(options.UseChunkEncoding);
        Assert.Equal(16 << 20, options.PartSizeBytes);
        Assert.Equal(RequestRetryMode.Adaptive, options.RetryMode);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        var store = Assert.IsType<S3ObjectStore>(Assert.Single(provider.GetServices<IObjectStore>()));
        Assert.True(store.CanHandle(ObjectLocation.Parse("gs://bucket/a.parquet")));
        Assert.False(store.CanHandle(ObjectLocation.Parse("s3://bucket/a.parquet")));
    }

    [Fact]
    public void AddObjectStore_registers_the_store_once_however_often_it_is_called()
    {
        var services = new ServiceCollection()
            .AddObjectStore(S3ObjectStore.Provider, o => (o.Region, o.Profile, o.ProfilesLocation) = ("eu-west-1", "test", _credentials))
            .AddObjectStore(S3ObjectStore.Provider, o => o.MaxRetries = 2);

        using var provider = services.BuildServiceProvider();

        Assert.IsType<S3ObjectStore>(Assert.Single(provider.GetServices<IObjectStore>()));
        var options = provider.GetRequiredService<IOptions<S3StorageOptions>>().Value;
        Assert.Equal(("eu-west-1", 2), (options.Region, options.MaxRetries));
        Assert.True(provider.GetServices<IObjectStore>().Single().CanHandle(ObjectLocation.Parse("s3://bucket/key")));
    }

    [Fact]
    public void Without_any_region_the_store_says_where_to_set_one()
    {
        // A profile, so that only the region is missing; AWS_REGION must not be set for this to mean anything.
        Assert.Null(Environment.GetEnvironmentVariable("AWS_REGION"));
        var options = new S3StorageOptions { Profile = "test", ProfilesLocation = _credentials };

        var error = Assert.Throws<MlNetBatchException>(() => new S3ObjectStore(options));

        Assert.StartsWith("MlNetBatch:Storage:S3: no AWS region is configured. Set Region", error.Message);
    }

    [Fact]
    public async Task A_host_with_invalid_s3_options_fails_to_start_with_every_problem_listed()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddObjectStore(S3ObjectStore.Provider, o => (o.PartSizeBytes, o.Schemes) = (1000, ["file"]));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("MlNetBatch:Storage:S3:PartSizeBytes: must be from 5242880", error.Message);
        Assert.Contains("MlNetBatch:Storage:S3:Schemes: 'file' belongs to another store and cannot be served through S3.", error.Message);
    }
}
