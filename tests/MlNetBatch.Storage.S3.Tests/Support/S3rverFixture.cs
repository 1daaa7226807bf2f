using System.Globalization;
using MlNetBatch.Storage;
using MlNetBatch.Storage.S3;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Storage.S3.Tests.Support;

/// <summary>
/// One real s3rver per test class, on 127.0.0.1 with one bucket, path-style addressing and a credentials file
/// holding s3rver's built-in key pair, so the store resolves credentials through a profile as in production.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "test-bucket";

    public const string Profile = "s3rver";

    private readonly List<S3ObjectStore> _stores = [];

    public EmulatorProcess Server { get; private set; } = null!;

    public string ServiceUrl => $"http://127.0.0.1:{Server.Port}";

    /// <summary>A credentials file with the profiles <c>s3rver</c> (valid), <c>unknown-key</c> and <c>wrong-secret</c>.</summary>
    public string ProfilesFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await EmulatorProcess.StartAsync("s3rver", (port, dataFolder) =>
            ["-d", dataFolder, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent"], EmulatorProbe.S3rver);
        ProfilesFile = Path.Combine(Server.DataFolder, "..", $"credentials-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(ProfilesFile, """
            [s3rver]
            aws_access_key_id = S3RVER
            aws_secret_access_key = S3RVER

            [unknown-key]
            aws_access_key_id = NOT-A-KNOWN-KEY
            aws_secret_access_key = S3RVER

            [wrong-secret]
            aws_access_key_id = S3RVER
            aws_secret_access_key = SECRET-THAT-MUST-NOT-LEAK

            """);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        File.Delete(ProfilesFile);
        await Server.DisposeAsync();
    }

    /// <summary>Options for this server; s3rver keeps aws-chunked framing inside objects, so chunk encoding is off.</summary>
    public S3StorageOptions Options(Action<S3StorageOptions>? configure = null)
    {
        var options = new S3StorageOptions
        {
            ServiceUrl = ServiceUrl,
            ForcePathStyle = true,
            Profile = Profile,
            ProfilesLocation = ProfilesFile,
            UseChunkEncoding = false,
            MaxRetries = 2,
        };
        configure?.Invoke(options);
        return options;
    }

    public S3ObjectStore Store(Action<S3StorageOptions>? configure = null)
    {
        var store = new S3ObjectStore(Options(configure));
        _stores.Add(store);
        return store;
    }

    public ObjectStoreResolver Resolver(Action<S3StorageOptions>? configure = null) => new([Store(configure)]);

    /// <summary>A fresh prefix, so that tests sharing the bucket never see each other's objects.</summary>
    public static string NewPrefix() => Guid.NewGuid().ToString("N")[..12];

    public static ObjectLocation Location(string key) => ObjectLocation.Parse($"s3://{Bucket}/{key}");
}
