using Google.Cloud.Storage.V1;

namespace MlNetBatch.Storage.Gcs;

/// <summary>Builds the client from <see cref="GcsStorageOptions"/>: endpoint and credentials.</summary>
internal static class GcsClientFactory
{
    public static StorageClient Create(GcsStorageOptions options)
    {
        var builder = new StorageClientBuilder
        {
            BaseUri = options.BaseUri,
            UnauthenticatedAccess = options.Anonymous,
        };

        try
        {
            return builder.Build();
        }
        catch (InvalidOperationException e)
        {
            // GoogleCredential.GetApplicationDefault throws this when no credential source exists.
            throw new MlNetBatchException(
                $"{GcsStorageOptions.SectionName}: no Google application default credentials were found ({e.Message}). Set GOOGLE_APPLICATION_CREDENTIALS, run 'gcloud auth application-default login', run on Google Cloud with a service account, or set Anonymous for public buckets and emulators.",
                e);
        }
    }

    public static string DescribeEndpoint(GcsStorageOptions options) => options.BaseUri ?? "Google Cloud Storage";
}
