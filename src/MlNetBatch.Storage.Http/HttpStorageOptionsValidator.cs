namespace MlNetBatch.Storage.Http;

/// <summary>Checks <see cref="HttpStorageOptions"/> and reports every problem at once, each with its configuration path.</summary>
public sealed class HttpStorageOptionsValidator() : StorageOptionsValidator<HttpStorageOptions>(HttpStorageOptions.SectionName)
{
    /// <inheritdoc />
    protected override IEnumerable<string> Problems(HttpStorageOptions options)
    {
        foreach (var problem in ReadProblems(options).Concat(RetryProblems(options.MaxRetries)))
        {
            yield return problem;
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            yield return $"RetryDelay: must not be negative; it is {options.RetryDelay}.";
        }

        // Only the header's name is named: its value may be a secret.
        using var probe = new HttpRequestMessage();
        foreach (var (name, value) in options.Headers)
        {
            if (!probe.Headers.TryAddWithoutValidation(name, value ?? string.Empty))
            {
                yield return $"Headers:{name}: is not a request header that can be set for every request (a content header, or not a valid header name).";
            }
        }
    }
}
