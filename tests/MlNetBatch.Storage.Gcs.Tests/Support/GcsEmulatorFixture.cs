using System.Globalization;
using MlNetBatch.Storage.Gcs;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Storage.Gcs.Tests.Support;

/// <summary>
/// One Cloud Storage emulator (firebase-tools' storage emulator, started by tests/emulators/gcs-emulator.js) per test
/// class, on 127.0.0.1. The emulator does not implement bucket creation; objects are written to a bucket name directly.
/// </summary>
public sealed class GcsEmulatorFixture : IAsyncLifetime
{
    public const string Bucket = "test-bucket";

    private readonly List<GcsObjectStore> _stores = [];

    public EmulatorProcess Server { get; private set; } = null!;

    public string BaseUri => $"http://127.0.0.1:{Server.Port}/storage/v1/";

    public async Task InitializeAsync()
    {
        var script = Path.Combine(EmulatorPackages.Folder, "gcs-emulator.js");
        Server = await EmulatorProcess.StartAsync("node", (port, dataFolder) =>
            [script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), dataFolder], EmulatorProbe.GcsEmulator);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        await Server.DisposeAsync();
    }

    /// <summary>
    /// Options for this emulator: anonymous, and upload chunks larger than any test object, because resumable uploads
    /// sent to it in several chunks came back truncated (the store's size check after commit would report that).
    /// </summary>
    public GcsStorageOptions Options(Action<GcsStorageOptions>? configure = null)
    {
        var options = new GcsStorageOptions
        {
            BaseUri = BaseUri,
            Anonymous = true,
            UploadChunkBytes = 64 << 20,
        };
        configure?.Invoke(options);
        return options;
    }

    public GcsObjectStore Store(Action<GcsStorageOptions>? configure = null)
    {
        var store = new GcsObjectStore(Options(configure));
        _stores.Add(store);
        return store;
    }

    public ObjectStoreResolver Resolver(Action<GcsStorageOptions>? configure = null) => new([Store(configure)]);

    /// <summary>A fresh prefix, so that tests sharing the bucket never see each other's objects.</summary>
    public static string NewPrefix() => Guid.NewGuid().ToString("N")[..12];

    public static ObjectLocation Location(string key) => ObjectLocation.Parse($"gs://{Bucket}/{key}");
}
