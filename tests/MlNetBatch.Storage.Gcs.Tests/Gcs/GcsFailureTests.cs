using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google;
using Google.Apis.Requests;
using MlNetBatch.Storage.Gcs.Tests.Support;

namespace MlNetBatch.Storage.Gcs.Tests.Gcs;

public class GcsFailureTests
{
    private static readonly ObjectLocation Object = GcsEmulatorFixture.Location("data/part-0.parquet");

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "insufficientPermissions", "access denied by Google Cloud Storage (HTTP 403 insufficientPermissions)")]
    [InlineData(HttpStatusCode.Unauthorized, "authError", "rejected the credentials (HTTP 401 authError)")]
    [InlineData(HttpStatusCode.TooManyRequests, "rateLimitExceeded", "kept throttling requests (HTTP 429)")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "backendError", "kept failing (HTTP 503 backendError)")]
    public void Service_errors_become_storage_errors_naming_the_object_and_the_cause(HttpStatusCode status, string reason, string expected)
    {
        var error = new GcsErrorTranslator("Google Cloud Storage").Translate(ApiError(status, reason, "denied"), Object);

        Assert.StartsWith($"{Object}: ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, error.IsTransient);
    }

    [Fact]
    public void A_missing_object_is_object_not_found_and_a_missing_bucket_says_so()
    {
        var translator = new GcsErrorTranslator("Google Cloud Storage");

        Assert.IsType<ObjectNotFoundException>(translator.Translate(ApiError(HttpStatusCode.NotFound, "notFound", "No such object: test-bucket/data/part-0.parquet"), Object));
        var bucket = translator.Translate(ApiError(HttpStatusCode.NotFound, "notFound", "The specified bucket does not exist."), Object);
        Assert.IsNotType<ObjectNotFoundException>(bucket);
        Assert.Contains("the bucket 'test-bucket' does not exist at Google Cloud Storage", bucket.Message);
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_fails_naming_the_endpoint_and_the_cause()
    {
        var baseUri = $"http://127.0.0.1:{UnusedPort()}/storage/v1/";
        using var store = new GcsObjectStore(new GcsStorageOptions { BaseUri = baseUri, Anonymous = true });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(Object));

        Assert.Contains($"{Object}: could not reach {baseUri} (the connection was refused)", error.Message);
        Assert.True(error.IsTransient);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    private static GoogleApiException ApiError(HttpStatusCode status, string reason, string message) =>
        new("storage", message)
        {
            HttpStatusCode = status,
            Error = new RequestError { Code = (int)status, Message = message, Errors = [new SingleError { Reason = reason, Message = message }] },
        };

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
