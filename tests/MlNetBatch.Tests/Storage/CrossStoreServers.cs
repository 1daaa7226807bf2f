using System.Globalization;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using MlNetBatch.Storage.Azure;
using MlNetBatch.Storage.S3;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Tests.Storage;

/// <summary>
/// The cross-store job tests' servers: a real s3rver with the bucket <see cref="Bucket"/> and a real Azurite with the
/// container <see cref="Container"/>, started once for the class (its tests write under names of their own) and a store
/// for each.
/// </summary>
public sealed class CrossStoreServers : IAsyncLifetime
{
    public const string Bucket = "cross";

    public const string Container = "cross";

    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private EmulatorProcess? _s3;
    private EmulatorProcess? _azurite;
    private string? _credentials;

    public S3ObjectStore S3Store { get; private set; } = null!;

    /// <summary>s3rver's endpoint, for a worker process of a test's own.</summary>
    public string S3ServiceUrl => $"http://127.0.0.1:{_s3!.Port}";

    /// <summary>Azurite's blob endpoint with its account, for a connection string of a test's own.</summary>
    public string AzuriteBlobEndpoint => $"http://127.0.0.1:{_azurite!.Port}/devstoreaccount1";

    public AzureBlobObjectStore AzureStore { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _s3 = await EmulatorProcess.StartAsync("s3rver", (port, data) =>
            ["-d", data, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent"], EmulatorProbe.S3rver);
        _azurite = await EmulatorProcess.StartAsync("azurite-blob", (port, data) =>
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", data, "--skipApiVersionCheck", "--disableTelemetry", "--silent"], EmulatorProbe.Azurite);
        _credentials = Path.Combine(_s3.DataFolder, "..", $"credentials-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(_credentials, "[s3rver]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");
        S3Store = new S3ObjectStore(new S3StorageOptions
        {
            ServiceUrl = $"http://127.0.0.1:{_s3.Port}",
            ForcePathStyle = true,
            Profile = "s3rver",
            ProfilesLocation = _credentials,
            UseChunkEncoding = false,
        });
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:{_azurite.Port}/devstoreaccount1;";
        await new BlobServiceClient(connection).CreateBlobContainerAsync(Container);
        AzureStore = new AzureBlobObjectStore(Options.Create(new AzureBlobStorageOptions { ConnectionString = connection }));
    }

    public async Task DisposeAsync()
    {
        S3Store?.Dispose();
        if (_credentials is not null)
        {
            File.Delete(_credentials);
        }

        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
