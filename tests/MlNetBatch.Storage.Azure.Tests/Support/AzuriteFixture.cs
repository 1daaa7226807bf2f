using System.Globalization;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Storage.Azure.Tests.Support;

/// <summary>
/// A real Azurite Blob server on loopback with the well-known development account. As a class fixture it is one server
/// for the whole test process (<see cref="ProcessWideEmulator"/>), shared by every test class that uses it at the same
/// time (each works in containers of its own), so the classes run in parallel against it;
/// <see cref="PrivateAzuriteFixture"/> is a server of the class's own, for tests that stop it.
/// </summary>
public class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's development account.</summary>
    public const string Account = "devstoreaccount1";

    /// <summary>The development account's published key (not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly ProcessWideEmulator Shared = new(StartServerAsync);

    private readonly bool _private;
    private EmulatorProcess? _server;

    public AzuriteFixture()
        : this(isPrivate: false)
    {
    }

    protected AzuriteFixture(bool isPrivate) => _private = isPrivate;

    public EmulatorProcess Server => _server ?? throw new InvalidOperationException("Azurite is not started.");

    /// <summary>The path-style endpoint of the development account.</summary>
    public Uri BlobEndpoint => new($"http://127.0.0.1:{Server.Port}/{Account}");

    public string ConnectionString => WithKey(AccountKey);

    /// <summary>A connection string for the development account with another key.</summary>
    public string WithKey(string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};BlobEndpoint={BlobEndpoint};";

    /// <summary>An SDK client for arranging and checking test data behind the store's back.</summary>
    public BlobServiceClient Service => new(ConnectionString);

    public async Task InitializeAsync() => _server = _private ? await StartServerAsync() : await Shared.GetAsync();

    public async Task DisposeAsync()
    {
        // The shared server outlives the class; it stops when the test process exits.
        if (_private && _server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    // --skipApiVersionCheck: the SDK sends a newer API version than Azurite knows. --disableTelemetry: no calls out.
    private static Task<EmulatorProcess> StartServerAsync() =>
        EmulatorProcess.StartAsync("azurite-blob", (port, dataFolder) =>
        [
            "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", dataFolder,
            "--skipApiVersionCheck", "--disableTelemetry", "--silent",
        ], EmulatorProbe.Azurite);

    /// <summary>
    /// Waits until Azurite has saved <paramref name="text"/> (a container or blob name) to its metadata file. Azurite
    /// saves it every 5 s; a server killed before that forgets the blob, which would make a restart test flaky.
    /// </summary>
    public async Task WaitUntilPersistedAsync(string text)
    {
        var database = Path.Combine(Server.DataFolder, "__azurite_db_blob__.json");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(File.Exists(database) && (await File.ReadAllTextAsync(database)).Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Azurite did not save '{text}' to {database} within 20 s.");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Options for the store against this Azurite: small blocks so that tests cross many block boundaries, quick retries.</summary>
    public AzureBlobStorageOptions Options(Action<AzureBlobStorageOptions>? configure = null)
    {
        var options = new AzureBlobStorageOptions
        {
            ConnectionString = ConnectionString,
            ConnectionStringEnvironmentVariable = null,
            BlockSizeBytes = 1 << 20,
            ReadAheadBytes = 2 << 20,
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            NetworkTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    public AzureBlobObjectStore Store(Action<AzureBlobStorageOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(configure)));

    /// <summary>A store whose requests are recorded in <paramref name="log"/>.</summary>
    public AzureBlobObjectStore Store(RequestLog log, Action<AzureBlobStorageOptions>? configure = null) =>
        new(Options(configure), logger: null, customizeClient: client => client.AddPolicy(log, HttpPipelinePosition.PerRetry));

    public ObjectStoreResolver Resolver(Action<AzureBlobStorageOptions>? configure = null) => new([Store(configure)]);

    /// <summary>Creates a fresh container and returns its <c>az://</c> root, so that tests sharing a server never see each other's blobs.</summary>
    public async Task<string> NewContainerAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        await Service.GetBlobContainerClient(name).CreateAsync();
        return $"az://{Account}/{name}";
    }

    /// <summary>The SDK client of a blob named by an <c>az://</c> URI.</summary>
    public BlobClient Blob(string azUri)
    {
        var location = ObjectLocation.Parse(azUri);
        var slash = location.Key.IndexOf('/');
        return Service.GetBlobContainerClient(location.Key[..slash]).GetBlobClient(location.Key[(slash + 1)..]);
    }

    /// <summary>The SDK client of a block blob named by an <c>az://</c> URI, for its block lists.</summary>
    public BlockBlobClient BlockBlob(string azUri)
    {
        var blob = Blob(azUri);
        return Service.GetBlobContainerClient(blob.BlobContainerName).GetBlockBlobClient(blob.Name);
    }

    /// <summary>Uploads bytes directly with the SDK.</summary>
    public async Task UploadAsync(string azUri, byte[] bytes) => await Blob(azUri).UploadAsync(new BinaryData(bytes), overwrite: true);

    /// <summary>Downloads a whole blob directly with the SDK.</summary>
    public async Task<byte[]> DownloadAsync(string azUri) => (await Blob(azUri).DownloadContentAsync()).Value.Content.ToArray();
}

/// <summary>An Azurite of the test class's own, for tests that stop and restart it.</summary>
public sealed class PrivateAzuriteFixture : AzuriteFixture
{
    public PrivateAzuriteFixture()
        : base(isPrivate: true)
    {
    }
}
