using System.Net;
using System.Net.Sockets;
using MlNetBatch.Storage.Azure.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Storage;

public class BlobFailureTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string MissingContainer = "nosuchcontainer";

    [Fact]
    public async Task A_missing_container_fails_every_operation_with_a_message_naming_the_uri_and_the_container()
    {
        var store = azurite.Store();
        var root = $"az://{AzuriteFixture.Account}/{MissingContainer}";
        var containerUri = $"{azurite.BlobEndpoint}/{MissingContainer}";
        var blob = ObjectLocation.Parse(root + "/data/a.csv");

        var listing = await Assert.ThrowsAsync<StorageException>(() => ObjectLister.ListAsync(azurite.Resolver(), root + "/data/*.csv"));
        var stat = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(blob));
        var open = await Assert.ThrowsAsync<StorageException>(() => store.OpenReadAsync(blob));
        var commit = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await using var write = await store.CreateAsync(blob);
            await write.Stream.WriteAsync("id\n1\n"u8.ToArray());
            await write.CommitAsync();
        });

        Assert.Equal($"{root}/data/: the container '{MissingContainer}' does not exist in storage account '{AzuriteFixture.Account}' ({containerUri}).", listing.Message);
        foreach (var error in new[] { stat, open, commit })
        {
            Assert.Equal($"{blob}: the container '{MissingContainer}' does not exist in storage account '{AzuriteFixture.Account}' ({containerUri}/data/a.csv).", error.Message);
        }
    }

    [Fact]
    public async Task Permanent_failures_are_not_retried()
    {
        var root = await azurite.NewContainerAsync();
        var log = new RequestLog();
        var store = azurite.Store(log, o => o.MaxRetries = 5);
        var badKey = new RequestLog();
        var rejected = azurite.Store(badKey, o =>
        {
            o.ConnectionString = azurite.WithKey(Convert.ToBase64String(RandomBytes.Create(64, seed: 2)));
            o.MaxRetries = 5;
        });

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.StatAsync(ObjectLocation.Parse(root + "/missing.csv")));
        await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(ObjectLocation.Parse($"az://{AzuriteFixture.Account}/{MissingContainer}/a.csv")));
        await Assert.ThrowsAsync<StorageException>(() => rejected.StatAsync(ObjectLocation.Parse(root + "/a.csv")));

        Assert.Equal(2, log.Entries.Count);
        Assert.Single(badKey.Entries);
    }

    [Fact]
    public async Task A_wrong_account_key_fails_with_an_authentication_message_that_does_not_repeat_the_key()
    {
        var root = await azurite.NewContainerAsync();
        await azurite.UploadAsync(root + "/a.csv", "id\n1\n"u8.ToArray());
        var wrongKey = Convert.ToBase64String(RandomBytes.Create(64, seed: 1));
        var store = azurite.Store(o => o.ConnectionString = azurite.WithKey(wrongKey));

        var listing = await Assert.ThrowsAsync<StorageException>(() => store.ListAsync(ObjectLocation.Parse(root + "/")).ToListAsync().AsTask());
        var stat = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(ObjectLocation.Parse(root + "/a.csv")));

        foreach (var error in new[] { listing, stat })
        {
            Assert.Contains("authentication failed at http://127.0.0.1:", error.Message);
            Assert.Contains("did not accept the account key, SAS token or credential", error.Message);
            Assert.DoesNotContain(wrongKey, error.ToString());
            Assert.IsNotType<ObjectNotFoundException>(error);
        }
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_after_the_retries_with_a_message_naming_it()
    {
        var port = ClosedPort();
        var endpoint = $"http://127.0.0.1:{port}/{AzuriteFixture.Account}";
        var store = azurite.Store(o =>
        {
            o.ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.Account};AccountKey={AzuriteFixture.AccountKey};BlobEndpoint={endpoint};";
            o.MaxRetries = 2;
        });
        var location = ObjectLocation.Parse($"az://{AzuriteFixture.Account}/container/a.csv");

        var error = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(location));

        Assert.StartsWith($"{location}: cannot reach the Blob service at {endpoint}/container/a.csv", error.Message);
        Assert.EndsWith("(after 3 attempts)", error.Message);
    }

    [Fact]
    public async Task A_location_without_a_blob_name_is_refused_with_the_expected_form()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => azurite.Store().StatAsync(ObjectLocation.Parse($"az://{AzuriteFixture.Account}/container")));

        Assert.Equal($"az://{AzuriteFixture.Account}/container: does not name a blob; write az://{AzuriteFixture.Account}/<container>/<path>.", error.Message);
    }

    private static int ClosedPort()
    {
        // A port that was free a moment ago and has nothing listening: connections are refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
