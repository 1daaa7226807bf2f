using Azure.Storage.Sas;
using Microsoft.Extensions.Options;
using MlNetBatch.Storage.Azure.Tests.Support;

namespace MlNetBatch.Storage.Azure.Tests.Storage;

public class BlobConnectionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_connection_string_from_the_environment_is_used_when_none_is_configured()
    {
        var root = await azurite.NewContainerAsync();
        await azurite.UploadAsync(root + "/a.csv", "id\n1\n"u8.ToArray());
        // A variable of this test's own: AZURE_STORAGE_CONNECTION_STRING may be set on the machine.
        var variable = "MLNETBATCH_TEST_AZURE_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, azurite.ConnectionString);
        try
        {
            var store = azurite.Store(o =>
            {
                o.ConnectionString = null;
                o.ConnectionStringEnvironmentVariable = variable;
            });

            Assert.Equal(5, (await store.StatAsync(ObjectLocation.Parse(root + "/a.csv"))).Size);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_service_uri_with_a_sas_token_reads_and_writes_and_never_shows_the_token()
    {
        var root = await azurite.NewContainerAsync();
        var sas = azurite.Service.GenerateAccountSasUri(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All);
        var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;
        var logger = new ListLogger<AzureBlobObjectStore>();
        var store = new AzureBlobObjectStore(Options.Create(azurite.Options(o =>
        {
            o.ConnectionString = null;
            o.ServiceUri = sas;
        })), logger);
        var location = ObjectLocation.Parse(root + "/out/a.bin");

        await using (var write = await store.CreateAsync(location))
        {
            await write.Stream.WriteAsync(RandomBytes.Create(1500, 1));
            await write.CommitAsync();
        }

        await using (var read = await store.OpenReadAsync(location))
        {
            var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(RandomBytes.Create(1500, 1), copy.ToArray());
        }

        var missing = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(ObjectLocation.Parse($"az://{AzuriteFixture.Account}/nosuchcontainer/a.bin")));
        Assert.Contains("does not exist", missing.Message);
        Assert.DoesNotContain(signature, missing.Message);
        Assert.Equal([$"Azure Blob storage uses the SAS token of the service URI for account {AzuriteFixture.Account} at {azurite.BlobEndpoint}"], logger.Messages);
    }

    [Fact]
    public void The_log_names_the_account_and_endpoint_but_never_the_key()
    {
        var logger = new ListLogger<AzureBlobObjectStore>();

        _ = new AzureBlobObjectStore(Options.Create(azurite.Options()), logger);

        Assert.Equal(
            [$"Azure Blob storage uses the connection string from MlNetBatch:Storage:Azure:ConnectionString for account {AzuriteFixture.Account} at {azurite.BlobEndpoint}"],
            logger.Messages);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, string.Join('\n', logger.Messages));
    }

    [Fact]
    public async Task A_location_in_another_account_than_the_configured_one_is_refused()
    {
        var location = ObjectLocation.Parse("az://otheraccount/container/a.csv");

        var error = await Assert.ThrowsAsync<StorageException>(() => azurite.Store().StatAsync(location));

        Assert.Equal($"{location}: names storage account 'otheraccount', but the configured connection ({azurite.BlobEndpoint}) is for account '{AzuriteFixture.Account}'.", error.Message);
    }
}
