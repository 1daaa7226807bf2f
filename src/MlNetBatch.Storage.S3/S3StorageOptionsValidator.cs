namespace MlNetBatch.Storage.S3;

/// <summary>Checks <see cref="S3StorageOptions"/> and reports every problem at once, each with its configuration path.</summary>
public sealed class S3StorageOptionsValidator() : StorageOptionsValidator<S3StorageOptions>(S3StorageOptions.SectionName)
{
    // Schemes that other stores own: claiming them here would hijack local paths or plain web URLs.
    private static readonly string[] ReservedSchemes = ["file", "http", "https"];

    /// <inheritdoc />
    protected override IEnumerable<string> Problems(S3StorageOptions options)
    {
        if (options.Region is not null && string.IsNullOrWhiteSpace(options.Region))
        {
            yield return "Region: must not be blank; leave it out to use the SDK's default region.";
        }

        if (options.ServiceUrl is not null && !IsHttpUrl(options.ServiceUrl))
        {
            yield return $"ServiceUrl: '{options.ServiceUrl}' is not an absolute http:// or https:// URL (for example http://127.0.0.1:9000).";
        }

        if (options.Profile is not null && string.IsNullOrWhiteSpace(options.Profile))
        {
            yield return "Profile: must not be blank; leave it out to use the SDK's standard credential chain.";
        }

        if (options.ProfilesLocation is not null && !File.Exists(options.ProfilesLocation))
        {
            yield return $"ProfilesLocation: the credentials file '{options.ProfilesLocation}' does not exist.";
        }

        if (options.Schemes is null)
        {
            yield return "Schemes: must be a list of URI schemes, such as [\"s3\"]; leave it out for s3.";
        }
        else
        {
            foreach (var scheme in options.Schemes)
            {
                if (string.IsNullOrWhiteSpace(scheme) || !char.IsAsciiLetter(scheme[0]) || !scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
                {
                    yield return $"Schemes: '{scheme}' is not a URI scheme; write it without '://', for example s3 or gs.";
                }
                else if (ReservedSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
                {
                    yield return $"Schemes: '{scheme}' belongs to another store and cannot be served through S3.";
                }
            }
        }

        if (options.PartSizeBytes is < S3StorageOptions.MinimumPartSizeBytes or > MaximumBufferBytes)
        {
            yield return $"PartSizeBytes: must be from {S3StorageOptions.MinimumPartSizeBytes} (5 MiB, the smallest part S3 accepts) to {MaximumBufferBytes} (1 GiB); it is {options.PartSizeBytes}.";
        }

        foreach (var problem in ReadProblems(options).Concat(RetryProblems(options.MaxRetries)))
        {
            yield return problem;
        }

        if (!Enum.IsDefined(options.RetryMode))
        {
            yield return $"RetryMode: '{options.RetryMode}' is not a retry mode; use Standard or Adaptive.";
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            yield return $"RequestTimeout: must be greater than zero; it is {options.RequestTimeout}.";
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            yield return $"ConnectTimeout: must be greater than zero; it is {options.ConnectTimeout}.";
        }
    }
}
