namespace MlNetBatch.Storage.Gcs;

/// <summary>How MlNetBatch reaches Google Cloud Storage; bound from <c>MlNetBatch:Storage:Gcs</c>.</summary>
/// <remarks>
/// Credentials never belong here or in a job definition: they come from Google's application default credentials
/// (<c>GOOGLE_APPLICATION_CREDENTIALS</c>, <c>gcloud auth application-default login</c>, or the metadata server of
/// the VM, GKE pod or Cloud Run service), unless <see cref="Anonymous"/> is set.
/// </remarks>
public sealed class GcsStorageOptions : RangedReadOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:Storage:Gcs";

    /// <summary>Upload chunks must be a multiple of this (a Cloud Storage rule for resumable uploads).</summary>
    public const int UploadChunkQuantumBytes = 256 << 10;

    /// <summary>
    /// The JSON API endpoint to use instead of Google's, for an emulator or a private endpoint, such as
    /// <c>http://127.0.0.1:9199/storage/v1/</c>.
    /// </summary>
    /// <value>The default is Google's public endpoint.</value>
    public string? BaseUri { get; set; }

    /// <summary>The project billed for requests to requester-pays buckets, sent as <c>userProject</c> with every request; leave it out otherwise.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Sends requests without credentials: for public buckets and emulators.</summary>
    /// <value>The default is false (application default credentials).</value>
    public bool Anonymous { get; set; }

    /// <summary>Bytes sent per request of the resumable upload made at commit.</summary>
    /// <value>The default is 16 MiB; a multiple of 256 KiB, at most 1 GiB.</value>
    public int UploadChunkBytes { get; set; } = 16 << 20;

    /// <summary>
    /// Where objects being written are spooled until commit. The whole object is written there first, so it needs
    /// room for the largest output partition.
    /// </summary>
    /// <value>The default is the system temporary folder.</value>
    public string? SpoolDirectory { get; set; }
}
