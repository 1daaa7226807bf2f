namespace MlNetBatch.Testing.Emulators;

/// <summary>
/// How to tell that the server listening on a port is the emulator that was started, not whatever else took the port:
/// a request, and what its answer must look like.
/// </summary>
/// <param name="Path">The path and query to GET.</param>
/// <param name="Accepts">Whether the answer (its response and body) comes from the expected server.</param>
public sealed record EmulatorProbe(string Path, Func<HttpResponseMessage, string, bool> Accepts)
{
    /// <summary>s3rver: an anonymous ListBuckets is refused with S3's own XML error.</summary>
    public static EmulatorProbe S3rver { get; } = new("/", (_, body) => body.Contains("<Error>", StringComparison.Ordinal) || body.Contains("ListAllMyBucketsResult", StringComparison.Ordinal));

    /// <summary>Azurite: every answer names it in the Server header.</summary>
    public static EmulatorProbe Azurite { get; } = new("/devstoreaccount1?comp=list", (response, _) =>
        response.Headers.Server.ToString().Contains("Azurite", StringComparison.OrdinalIgnoreCase));

    /// <summary>The Cloud Storage emulator: the JSON API answers a bucket listing with JSON.</summary>
    public static EmulatorProbe GcsEmulator { get; } = new("/storage/v1/b?project=demo-mlnetbatch", (_, body) => body.TrimStart().StartsWith('{'));
}
