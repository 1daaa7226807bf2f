using System.Globalization;
using MlNetBatch.Storage;
using MlNetBatch.Storage.S3;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Storage.S3.Tests.Support;

/// <summary>
/// A real s3rver on 127.0.0.1 with one bucket, path-style addressing and a credentials file holding s3rver's built-in
/// key pair, so the store resolves credentials through a profile as in production. As a class fixture it is one server
/// for the whole test process (<see cref="ProcessWideEmulator"/>), shared by the classes at the same time (each test
/// works under a prefix of its own); <see cref="PrivateS3rverFixture"/> is a server of the class's own, for tests that stop it.
/// </summary>
public class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "test-bucket";

    public const string Profile = "s3rver";

    private static readonly ProcessWideEmulator Shared = new(StartServerAsync);

    private readonly bool _private;
    private readonly List<S3ObjectStore> _stores = [];

    public S3rverFixture()
        : this(isPrivate: false)
    {
    }

    protected S3rverFixture(bool isPrivate) => _private = isPrivate;

    public EmulatorProcess Server { get; private set; } = null!;

    public string ServiceUrl => $"http://127.0.0.1:{Server.Port}";

    /// <summary>A credentials file with the profiles <c>s3rver</c> (valid), <c>unknown-key</c> and <c>wrong-secret</c>.</summary>
    public string ProfilesFile { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = _private ? await StartServerAsync() : await Shared.GetAsync();
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
        // The shared server outlives the class; it stops when the test process exits.
        if (_private)
        {
            await Server.DisposeAsync();
        }
    }

    private static Task<EmulatorProcess> StartServerAsync() =>
        EmulatorProcess.StartAsync("s3rver", (port, dataFolder) =>
            ["-d", dataFolder, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent"], EmulatorProbe.S3rver);

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

/// <summary>An s3rver of the test class's own, for tests that stop and restart it.</summary>
public sealed class PrivateS3rverFixture : S3rverFixture
{
    public PrivateS3rverFixture()
        : base(isPrivate: true)
    {
    }
}
