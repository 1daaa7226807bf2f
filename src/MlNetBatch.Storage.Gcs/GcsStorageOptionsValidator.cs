namespace MlNetBatch.Storage.Gcs;

/// <summary>Checks <see cref="GcsStorageOptions"/> and reports every problem at once, each with its configuration path.</summary>
public sealed class GcsStorageOptionsValidator() : StorageOptionsValidator<GcsStorageOptions>(GcsStorageOptions.SectionName)
{
    /// <inheritdoc />
    protected override IEnumerable<string> Problems(GcsStorageOptions options)
    {
        if (options.BaseUri is { } baseUri && !IsHttpUrl(baseUri))
        {
            yield return $"BaseUri: '{baseUri}' is not an absolute http or https URL (for an emulator: http://127.0.0.1:9199/storage/v1/).";
        }

        foreach (var problem in ReadProblems(options))
        {
            yield return problem;
        }

        if (options.UploadChunkBytes is < GcsStorageOptions.UploadChunkQuantumBytes or > MaximumBufferBytes
            || options.UploadChunkBytes % GcsStorageOptions.UploadChunkQuantumBytes != 0)
        {
            yield return $"UploadChunkBytes: must be a multiple of {GcsStorageOptions.UploadChunkQuantumBytes} (256 KiB) up to {MaximumBufferBytes} (1 GiB); it is {options.UploadChunkBytes}.";
        }

        if (options.SpoolDirectory is { Length: 0 })
        {
            yield return "SpoolDirectory: must be a folder path, or left out for the system temporary folder.";
        }
    }
}
