using System.Globalization;
using MlNetBatch.Storage.S3;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Benchmarks;

/// <summary>A real s3rver on loopback with a bucket and a store over it, for the storage measurements.</summary>
internal sealed class BenchS3 : IAsyncDisposable
{
    private BenchS3(EmulatorProcess server, S3ObjectStore store)
    {
        Server = server;
        Store = store;
    }

    public EmulatorProcess Server { get; }

    public S3ObjectStore Store { get; }

    public static async Task<BenchS3> StartAsync(string work, string bucket)
    {
        var server = await EmulatorProcess.StartAsync("s3rver", (port, data) =>
            ["-d", data, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--configure-bucket", bucket, "--silent"], EmulatorProbe.S3rver);
        var credentials = Path.Combine(work, $"s3-credentials-{bucket}");
        await File.WriteAllTextAsync(credentials, "[s3rver]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");
        // s3rver keeps aws-chunked framing inside objects, so chunk encoding is off (real S3 wants it on).
        var store = new S3ObjectStore(new S3StorageOptions
        {
            ServiceUrl = $"http://127.0.0.1:{server.Port}",
            ForcePathStyle = true,
            Profile = "s3rver",
            ProfilesLocation = credentials,
            UseChunkEncoding = false,
        });
        return new BenchS3(server, store);
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await Server.DisposeAsync();
    }
}
