using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage;
using MlNetBatch.Storage.Http;
using MlNetBatch.Tests.Storage;
using MlNetBatch.Tests.Storage.Http;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Worker;

/// <summary>
/// Every provider's secret (an S3 secret key, an Azure account key, a Google service-account key, an HTTP
/// Authorization header) given to the real worker the way an operator does, through the environment: neither the
/// run's log, at Debug level with the exception details, nor its error line ever shows it.
/// </summary>
public sealed class SecretsInWorkerOutputTests(CrossStoreServers servers) : IClassFixture<CrossStoreServers>
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public async Task An_S3_secret_key_is_never_shown_whether_the_run_succeeds_or_the_key_is_refused()
    {
        var prefix = await UploadInputAsync(servers.S3Store, $"s3://{CrossStoreServers.Bucket}");
        var secret = $"TOPSECRET/{Guid.NewGuid():N}+s3";
        var storage = new JsonObject { ["S3"] = new JsonObject { ["ServiceUrl"] = servers.S3ServiceUrl, ["ForcePathStyle"] = true, ["UseChunkEncoding"] = false, ["MaxRetries"] = 0 } };
        // s3rver knows one access key (S3RVER) and does not check signatures: the first run succeeds with the secret,
        // the second is refused for its unknown access key.
        foreach (var (accessKey, expectedExit) in new[] { ("S3RVER", 0), ("AKIAUNKNOWNKEY", 1) })
        {
            using var dir = new TempDirectory();
            var (exit, output) = await RunAsync(dir, $"{prefix}/*.parquet", storage, new()
            {
                ["AWS_ACCESS_KEY_ID"] = accessKey,
                ["AWS_SECRET_ACCESS_KEY"] = secret,
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            });

            Assert.True(exit == expectedExit, output);
            Assert.Contains(expectedExit == 0 ? "200 rows out" : prefix, output);
            AssertNeverShown(secret, output);
        }
    }

    [Fact]
    public async Task An_Azure_account_key_is_never_shown_whether_it_is_right_or_wrong()
    {
        var prefix = await UploadInputAsync(servers.AzureStore, $"az://devstoreaccount1/{CrossStoreServers.Container}");
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var storage = new JsonObject { ["Azure"] = new JsonObject { ["MaxRetries"] = 0 } };
        foreach (var (key, expectedExit) in new[] { (AzuriteKey, 0), (wrongKey, 1) })
        {
            using var dir = new TempDirectory();
            var (exit, output) = await RunAsync(dir, $"{prefix}/*.parquet", storage, new()
            {
                ["AZURE_STORAGE_CONNECTION_STRING"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};BlobEndpoint={servers.AzuriteBlobEndpoint};",
            });

            Assert.True(exit == expectedExit, output);
            AssertNeverShown(key, output);
        }
    }

    [Fact]
    public async Task A_Google_service_account_key_and_its_access_token_are_never_shown()
    {
        using var dir = new TempDirectory();
        using var rsa = RSA.Create(2048);
        var privateKey = rsa.ExportPkcs8PrivateKeyPem();
        var keyId = $"TOPSECRETKEYID{Guid.NewGuid():N}";
        var accessToken = $"ya29.TOPSECRET{Guid.NewGuid():N}";
        // Google's token endpoint and the storage API in one: the signed key is exchanged for a token, and the
        // storage request that carries it finds no bucket.
        await using var google = new GoogleStandIn(accessToken);
        var keyFile = dir.Combine("service-account.json");
        await File.WriteAllTextAsync(keyFile, new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "mlnetbatch-test",
            ["private_key_id"] = keyId,
            ["private_key"] = privateKey,
            ["client_email"] = "worker@mlnetbatch-test.iam.gserviceaccount.com",
            ["client_id"] = "1234567890",
            ["token_uri"] = $"{google.Url}token",
        }.ToJsonString());
        var storage = new JsonObject { ["Gcs"] = new JsonObject { ["BaseUri"] = $"{google.Url}storage/v1/" } };

        var (exit, output) = await RunAsync(dir, "gs://bucket/in/*.parquet", storage, new() { ["GOOGLE_APPLICATION_CREDENTIALS"] = keyFile });

        Assert.True(exit == 1, output);
        Assert.Contains("gs://bucket/in", output);
        // The client signs its own token with the key (a self-signed JWT naming the key's id) or exchanges one at the
        // token endpoint: either way the storage request carries a credential made from the key.
        var bearer = google.StorageAuthorization;
        Assert.NotNull(bearer);
        Assert.StartsWith("Bearer ", bearer);
        var credential = bearer["Bearer ".Length..];
        Assert.True(
            credential == accessToken || (google.TokenRequests == 0 && JwtHeader(credential).Contains(keyId, StringComparison.Ordinal)),
            $"the storage request carried no credential made from the key: {bearer}");
        AssertNeverShown(keyId, output);
        AssertNeverShown(credential, output);
        // Any line of the key's body would be a leak, not only the whole key.
        foreach (var line in privateKey.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))
        {
            AssertNeverShown(line, output);
        }
    }

    [Fact]
    public async Task An_HTTP_Authorization_header_from_the_environment_is_sent_and_never_shown()
    {
        await using var server = new RangeHttpServer();
        var token = $"Bearer TOPSECRET{Guid.NewGuid():N}";
        server.RequiredAuthorization = token;
        using (var input = new TempDirectory())
        {
            await TabularData.WriteParquetAsync(input.Combine("in.parquet"), 0, 200, 200, seed: 3);
            server.Put("in.parquet", await File.ReadAllBytesAsync(input.Combine("in.parquet")));
        }

        var wrong = $"Bearer TOPSECRET{Guid.NewGuid():N}";
        foreach (var (sent, expectedExit) in new[] { (token, 0), (wrong, 1) })
        {
            using var dir = new TempDirectory();
            var (exit, output) = await RunAsync(dir, server.Url("in.parquet"), storage: null, new() { ["MlNetBatch__Storage__Http__Headers__Authorization"] = sent });

            Assert.True(exit == expectedExit, output);
            Assert.Contains(expectedExit == 0 ? "200 rows out" : "access denied by the server (HTTP 401", output);
            AssertNeverShown(sent["Bearer ".Length..], output);
        }
    }

    [Fact]
    public void An_invalid_HTTP_header_is_reported_by_name_without_its_value()
    {
        var options = new HttpStorageOptions { Headers = { ["Content-Type"] = "TOPSECRET-1", ["Bad Name"] = "TOPSECRET-2", ["Authorization"] = "Bearer fine" } };

        var result = new HttpStorageOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "MlNetBatch:Storage:Http:Headers:Content-Type: is not a request header that can be set for every request (a content header, or not a valid header name).",
                "MlNetBatch:Storage:Http:Headers:Bad Name: is not a request header that can be set for every request (a content header, or not a valid header name).",
            ],
            result.Failures);
        Assert.DoesNotContain("TOPSECRET", result.FailureMessage);
    }

    private static string JwtHeader(string jwt)
    {
        var header = jwt.Split('.')[0].Replace('-', '+').Replace('_', '/');
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header.PadRight(header.Length + ((4 - (header.Length % 4)) % 4), '=')));
    }

    private static void AssertNeverShown(string secret, string output) =>
        Assert.False(output.Contains(secret, StringComparison.Ordinal), $"the secret '{secret}' was shown:\n{output}");

    /// <summary>Runs the tabular job over <paramref name="source"/> with the worker's log at Debug level.</summary>
    private static async Task<(int Exit, string Output)> RunAsync(TempDirectory dir, string source, JsonObject? storage, Dictionary<string, string> environment)
    {
        var config = await WorkerConfigFiles.WriteAsync(dir, "secrets", new Dictionary<string, JsonObject> { ["secrets"] = WorkerConfigFiles.Job(source, dir.Combine("out")) }, (JsonObject?)storage?.DeepClone());
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        json["Serilog"]!["MinimumLevel"]!["Default"] = "Debug";
        await File.WriteAllTextAsync(config, json.ToJsonString());
        return await WorkerProcess.RunAsync(dir.Path, environment, "run", "secrets", "--config", config);
    }

    private static async Task<string> UploadInputAsync(IObjectStore store, string root)
    {
        var prefix = $"{root}/secrets-{Guid.NewGuid():N}";
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 200, 200, seed: 2);
        await using var write = await store.CreateAsync(ObjectLocation.Parse($"{prefix}/in.parquet"));
        await using (var file = File.OpenRead(dir.Combine("in.parquet")))
        {
            await file.CopyToAsync(write.Stream);
        }

        await write.CommitAsync();
        return prefix;
    }

    /// <summary>Answers POST /token with an access token and every storage request with 404, noting what it got.</summary>
    private sealed class GoogleStandIn : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private readonly string _accessToken;
        private int _tokenRequests;

        public GoogleStandIn(string accessToken)
        {
            _accessToken = accessToken;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
            }

            _listener.Prefixes.Add(Url);
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public int TokenRequests => _tokenRequests;

        public string? StorageAuthorization { get; private set; }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }

        private async Task ServeAsync()
        {
            while (true)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var response = context.Response;
                if (context.Request.HttpMethod == "POST" && context.Request.Url!.AbsolutePath == "/token")
                {
                    Interlocked.Increment(ref _tokenRequests);
                    response.ContentType = "application/json";
                    var body = System.Text.Encoding.UTF8.GetBytes($$"""{"access_token":"{{_accessToken}}","expires_in":3600,"token_type":"Bearer"}""");
                    await response.OutputStream.WriteAsync(body);
                }
                else
                {
                    StorageAuthorization = context.Request.Headers["Authorization"];
                    response.StatusCode = 404;
                }

                response.Close();
            }
        }
    }
}
