using MlNetBatch.Storage;
using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;

namespace MlNetBatch.Storage.Azure.Tests;

public class AzureBlobStorageOptionsTests
{
    private const string Section = "MlNetBatch:Storage:Azure";

    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var options = new AzureBlobStorageOptions();

        Assert.Null(options.ConnectionString);
        Assert.Equal("AZURE_STORAGE_CONNECTION_STRING", options.ConnectionStringEnvironmentVariable);
        Assert.Null(options.ServiceUri);
        Assert.Equal(8 << 20, options.BlockSizeBytes);
        Assert.Equal(16 << 20, options.ReadAheadBytes);
        Assert.Equal(RetryMode.Exponential, options.RetryMode);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(0.8), options.RetryDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(100), options.NetworkTimeout);
        Assert.Null(options.ServiceVersion);
        Assert.True(new AzureBlobStorageOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Every_invalid_setting_is_reported_with_its_configuration_path_and_no_secret()
    {
        var options = new AzureBlobStorageOptions
        {
            ConnectionString = "AccountKey=TOPSECRETKEY;not a connection string",
            ServiceUri = new Uri("ftp://example.com/?sig=TOPSECRETSAS"),
            BlockSizeBytes = 1000,
            ReadAheadBytes = -1,
            RetryMode = (RetryMode)7,
            MaxRetries = 100,
            RetryDelay = TimeSpan.Zero,
            MaxRetryDelay = TimeSpan.FromSeconds(-1),
            NetworkTimeout = TimeSpan.Zero,
            ServiceVersion = "1999-01-01",
        };

        var result = new AzureBlobStorageOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                $"{Section}:ConnectionString and {Section}:ServiceUri cannot both be set: a connection string names its own endpoint (BlobEndpoint=…).",
                $"{Section}:ConnectionString is not a valid Azure Storage connection string; expected 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…', 'BlobEndpoint=…;SharedAccessSignature=…' or 'UseDevelopmentStorage=true'.",
                $"{Section}:ServiceUri must be an absolute http:// or https:// URI such as https://myaccount.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1 (it is an ftp:// URI).",
                $"{Section}:BlockSizeBytes must be between 65536 (64 KiB) and 268435456 (256 MiB); it is 1000.",
                $"{Section}:ReadAheadBytes must be between 0 (no read-ahead) and 1073741824 (1 GiB); it is -1.",
                $"{Section}:RetryMode must be Exponential or Fixed; it is 7.",
                $"{Section}:MaxRetries must be between 0 and 20; it is 100.",
                $"{Section}:RetryDelay must be greater than zero; it is 00:00:00.",
                $"{Section}:MaxRetryDelay must be at least RetryDelay (00:00:00); it is -00:00:01.",
                $"{Section}:NetworkTimeout must be greater than zero; it is 00:00:00.",
                $"{Section}:ServiceVersion '1999-01-01' is not a Blob service version this SDK knows; use a date such as 2021-12-02 (the newest is {Newest()}).",
            ],
            result.Failures);
        Assert.DoesNotContain("TOPSECRET", result.FailureMessage);
    }

    [Fact]
    public void A_plain_http_service_uri_needs_a_sas_token_or_a_connection_string()
    {
        var options = new AzureBlobStorageOptions { ServiceUri = new Uri("http://127.0.0.1:10000/devstoreaccount1") };

        var result = new AzureBlobStorageOptionsValidator().Validate(null, options);

        Assert.Equal(
            [$"{Section}:ServiceUri 'http://127.0.0.1:10000/devstoreaccount1' is plain http:// without a SAS token, and Microsoft Entra ID (DefaultAzureCredential) needs https://; add a SAS token (?sv=…&sig=…) or set a connection string instead (for Azurite: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=…;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;')."],
            result.Failures);
        options.ServiceUri = new Uri("http://127.0.0.1:10000/devstoreaccount1?sv=2021-12-02&sig=abc");
        Assert.True(new AzureBlobStorageOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Settings_bind_from_the_configuration_section_and_map_onto_the_sdk_retry_policy()
    {
        using var provider = new ServiceCollection()
            .AddObjectStore(AzureBlobObjectStore.Provider, Configuration(new()
            {
                [$"{Section}:ServiceUri"] = "https://127.0.0.1:10000/devstoreaccount1",
                [$"{Section}:BlockSizeBytes"] = "1048576",
                [$"{Section}:ReadAheadBytes"] = "0",
                [$"{Section}:RetryMode"] = "Fixed",
                [$"{Section}:MaxRetries"] = "5",
                [$"{Section}:RetryDelay"] = "00:00:02",
                [$"{Section}:MaxRetryDelay"] = "00:00:10",
                [$"{Section}:NetworkTimeout"] = "00:00:30",
                [$"{Section}:ServiceVersion"] = "2021-12-02",
            }).GetSection(Section))
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AzureBlobStorageOptions>>().Value;
        var client = BlobClientFactory.CreateClientOptions(options);

        Assert.Equal(new Uri("https://127.0.0.1:10000/devstoreaccount1"), options.ServiceUri);
        Assert.Equal(1 << 20, options.BlockSizeBytes);
        Assert.Equal(0, options.ReadAheadBytes);
        Assert.Equal(RetryMode.Fixed, client.Retry.Mode);
        Assert.Equal(5, client.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(2), client.Retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(10), client.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), client.Retry.NetworkTimeout);
        Assert.True(BlobClientFactory.TryParseServiceVersion("2021-12-02", out var version));
        Assert.Equal(BlobClientOptions.ServiceVersion.V2021_12_02, version);
    }

    [Fact]
    public async Task A_host_with_invalid_azure_settings_fails_to_start_naming_them()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{Section}:BlockSizeBytes"] = "10", [$"{Section}:MaxRetries"] = "-1" });
        builder.Services.AddObjectStore(AzureBlobObjectStore.Provider, builder.Configuration.GetSection(Section));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{Section}:BlockSizeBytes must be between", error.Message);
        Assert.Contains($"{Section}:MaxRetries must be between 0 and 20; it is -1.", error.Message);
    }

    [Fact]
    public void Registering_twice_adds_one_store_that_the_resolver_picks_for_az_uris()
    {
        var services = new ServiceCollection()
            .AddMlNetBatch(Configuration([]).GetSection("MlNetBatch"))
            .AddObjectStore(AzureBlobObjectStore.Provider, o => o.ServiceUri = new Uri("https://127.0.0.1:10000/devstoreaccount1"))
            .AddObjectStore(AzureBlobObjectStore.Provider, o => o.BlockSizeBytes = 1 << 20);
        using var provider = services.BuildServiceProvider();

        var stores = provider.GetServices<IObjectStore>().ToList();
        var resolver = provider.GetRequiredService<ObjectStoreResolver>();

        Assert.Single(stores.OfType<AzureBlobObjectStore>());
        Assert.Single(stores.OfType<LocalObjectStore>());
        Assert.IsType<AzureBlobObjectStore>(resolver.Resolve(ObjectLocation.Parse("az://devstoreaccount1/container/a.parquet")));
        Assert.IsType<LocalObjectStore>(resolver.Resolve(ObjectLocation.Parse("/data/a.parquet")));
        Assert.Equal(1 << 20, provider.GetRequiredService<IOptions<AzureBlobStorageOptions>>().Value.BlockSizeBytes);
    }

    [Fact]
    public void A_store_made_without_a_host_validates_its_options_too()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new AzureBlobObjectStore(Options.Create(new AzureBlobStorageOptions { ReadAheadBytes = -5 })));

        Assert.Equal($"{Section}:ReadAheadBytes must be between 0 (no read-ahead) and 1073741824 (1 GiB); it is -5.", error.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static string Newest() =>
        Enum.GetValues<BlobClientOptions.ServiceVersion>().Max().ToString()[1..].Replace('_', '-');
}
