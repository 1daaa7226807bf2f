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
    }
}
