using System.Diagnostics;
using MlNetBatch.Storage.Azure.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Storage;

/// <summary>The server goes away in the middle of a read. This class stops its own Azurite, so no other test shares it.</summary>
public class BlobOutageTests(PrivateAzuriteFixture azurite) : IClassFixture<PrivateAzuriteFixture>
{
    private const int Size = 6_000_000;

    [Fact]
    public async Task A_read_interrupted_by_a_server_restart_resumes_within_the_retry_policy()
    {
        var (location, bytes) = await UploadPersistedAsync(seed: 1);
        // Up to 0.5 + 1 + 2 + 2 + 2 + 2 s of retries: more than Azurite needs to come back.
        var log = new RequestLog();
        var store = azurite.Store(log, o =>
        {
            o.ReadAheadBytes = 0;
            o.MaxRetries = 6;
            o.RetryDelay = TimeSpan.FromMilliseconds(500);
            o.MaxRetryDelay = TimeSpan.FromSeconds(2);
        });
        await using var stream = await store.OpenReadAsync(location, await store.StatAsync(location));
        var copy = new MemoryStream();
        var buffer = new byte[1 << 20];
        await stream.ReadExactlyAsync(buffer);
        copy.Write(buffer);

        await azurite.Server.StopAsync();
        var restart = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            await azurite.Server.StartAsync();
        });
        try
        {
            await stream.CopyToAsync(copy);
        }
        finally
        {
            await restart;
        }

        BytesAssert.Equal(bytes, copy.ToArray());
        // Six blocks, and at least one of them was asked for again after the server went away.
        Assert.True(log.Entries.Count(e => e.Method == "GET") > 6, $"{log.Entries.Count(e => e.Method == "GET")} GET requests: the outage was never seen.");
    }

    [Fact]
    public async Task A_read_from_a_server_that_stays_down_fails_clearly_once_the_retries_are_spent()
    {
        var (location, _) = await UploadPersistedAsync(seed: 2);
        var store = azurite.Store(o =>
        {
            o.ReadAheadBytes = 0;
            o.MaxRetries = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(200);
        });
        await using var stream = await store.OpenReadAsync(location);
        await stream.ReadExactlyAsync(new byte[1 << 20]);

        await azurite.Server.StopAsync();
        StorageException error;
        var clock = Stopwatch.StartNew();
        try
        {
            error = await Assert.ThrowsAsync<StorageException>(() => stream.CopyToAsync(Stream.Null));
        }
        finally
        {
            await azurite.Server.StartAsync();
        }

        Assert.StartsWith($"{location}: cannot reach the Blob service at {azurite.BlobEndpoint}/", error.Message);
        Assert.EndsWith("(after 3 attempts)", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Failing took {clock.Elapsed}.");
    }

    private async Task<(ObjectLocation Location, byte[] Bytes)> UploadPersistedAsync(int seed)
    {
        var root = await azurite.NewContainerAsync();
        var location = ObjectLocation.Parse(root + "/blob.bin");
        var bytes = RandomBytes.Create(Size, seed);
        await azurite.UploadAsync(location.ToString(), bytes);
        await azurite.WaitUntilPersistedAsync(root[(root.LastIndexOf('/') + 1)..]);
        return (location, bytes);
    }
}
