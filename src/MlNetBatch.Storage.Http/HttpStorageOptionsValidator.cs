using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage.Http;

/// <summary>Checks <see cref="HttpStorageOptions"/> and reports every problem at once, each with its configuration path.</summary>
public sealed class HttpStorageOptionsValidator : IValidateOptions<HttpStorageOptions>
{
    private const int MaximumRetries = 20;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HttpStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Problems(options).Select(p => $"{HttpStorageOptions.SectionName}:{p}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Problems(HttpStorageOptions options)
    {
        foreach (var problem in options.ReadProblems())
        {
            yield return problem;
        }

        if (options.MaxRetries is < 0 or > MaximumRetries)
        {
            yield return $"MaxRetries: must be from 0 to {MaximumRetries}; it is {options.MaxRetries}.";
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            yield return $"RetryDelay: must not be negative; it is {options.RetryDelay}.";
        }
    }
}
