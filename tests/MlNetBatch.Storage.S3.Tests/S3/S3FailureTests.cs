using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MlNetBatch.Storage.S3.Tests.Support;
using MlNetBatch.Testing.Storage;

namespace MlNetBatch.Storage.S3.Tests.S3;

/// <summary>Failures a job meets against a real server; this class stops and restarts its own s3rver.</summary>
public class S3FailureTests(PrivateS3rverFixture s3) : IClassFixture<PrivateS3rverFixture>
{
    [Fact]
    public async Task A_missing_bucket_is_named_in_a_message_that_says_it_does_not_exist()
    {
        var store = s3.Store();
        var location = ObjectLocation.Parse("s3://no-such-bucket/data/a.parquet");

        var stat = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(location));
        var list = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(new ObjectStoreResolver([store]), "s3://no-such-bucket/data/*.parquet"));
        var write = await Assert.ThrowsAsync<StorageException>(() => ObjectBytes.WriteAsync(store, location, [1, 2, 3]));

        foreach (var error in new[] { stat, list, write })
        {
            Assert.IsNotType<ObjectNotFoundException>(error);
            Assert.Contains("s3://no-such-bucket/data/", error.Message);
            Assert.Contains("the bucket 'no-such-bucket' does not exist", error.Message);
        }
    }

    [Fact]
    public async Task A_missing_key_in_an_existing_bucket_is_object_not_found()
    {
        var location = S3rverFixture.Location($"{S3rverFixture.NewPrefix()}/absent.parquet");

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => s3.Store().OpenReadAsync(location));

        Assert.Contains(location.ToString(), error.Message);
    }

    [Fact]
    public async Task An_unknown_access_key_is_rejected_with_a_plain_message_that_leaks_no_secret()
    {
        var store = s3.Store(o => o.Profile = "unknown-key");
        var location = S3rverFixture.Location("any/object.bin");

        var error = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(location));
        var listing = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(new ObjectStoreResolver([store]), $"s3://{S3rverFixture.Bucket}/any/"));

        Assert.Contains(location.ToString(), error.Message);
        Assert.Contains("does not know the access key in use (InvalidAccessKeyId)", listing.Message);
        // HEAD responses carry no error body, so for Stat the server's 403 is all there is to go on.
        Assert.Contains("access denied", error.Message);
        Assert.DoesNotContain("S3RVER", error.Message + listing.Message);
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_fails_fast_naming_the_endpoint_and_the_cause()
    {
        var port = ClosedPort();
        var store = s3.Store(o => (o.ServiceUrl, o.MaxRetries) = ($"http://127.0.0.1:{port}", 1));
        var location = S3rverFixture.Location("any/object.bin");

        var error = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(location));

        Assert.Contains(location.ToString(), error.Message);
        Assert.Contains($"could not reach http://127.0.0.1:{port} (the connection was refused) through 1 retries", error.Message);
    }

    [Fact]
    public async Task A_read_while_the_server_is_down_fails_clearly_and_the_same_stream_reads_again_once_it_is_back()
    {
        var store = s3.Store(o => (o.ReadBlockBytes, o.ReadAheadBytes, o.MaxRetries) = (64 << 10, 0, 1));
        var location = S3rverFixture.Location($"{S3rverFixture.NewPrefix()}/outage.bin");
        var data = ObjectBytes.Random(1 << 20, seed: 1);
        await ObjectBytes.WriteAsync(store, location, data);
        await using var stream = await store.OpenReadAsync(location);
        stream.ReadExactly(new byte[1000]);

        await s3.Server.StopAsync();
        try
        {
            stream.Position = 700_000;
            var error = await Assert.ThrowsAsync<StorageException>(async () => await stream.ReadExactlyAsync(new byte[1000]));
            Assert.Contains(location.ToString(), error.Message);
            Assert.Contains("could not reach", error.Message);
        }
        finally
        {
            await s3.Server.StartAsync();
        }

        stream.Position = 700_000;
        var buffer = new byte[100_000];
        await stream.ReadExactlyAsync(buffer);
        Assert.Equal(data[700_000..800_000], buffer);
    }

    [Fact]
    public async Task A_server_restarted_during_a_read_is_ridden_out_by_the_retry_policy()
    {
        var store = s3.Store(o => (o.ReadBlockBytes, o.ReadAheadBytes, o.MaxRetries) = (64 << 10, 0, 10));
        var location = S3rverFixture.Location($"{S3rverFixture.NewPrefix()}/restart.bin");
        var data = ObjectBytes.Random(1 << 20, seed: 2);
        await ObjectBytes.WriteAsync(store, location, data);
        await using var stream = await store.OpenReadAsync(location);
        stream.ReadExactly(new byte[1000]);

        await s3.Server.StopAsync();
        var restart = Task.Run(async () =>
        {
            await Task.Delay(500);
            await s3.Server.StartAsync();
        });
        var clock = Stopwatch.StartNew();
        try
        {
            stream.Position = 500_000;
            var buffer = new byte[200_000];
            await stream.ReadExactlyAsync(buffer);

            Assert.Equal(data[500_000..700_000], buffer);
        }
        finally
        {
            await restart;
        }

        // The read waited for the server instead of failing at once.
        Assert.True(clock.Elapsed > TimeSpan.FromMilliseconds(400), $"read took only {clock.Elapsed}");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
