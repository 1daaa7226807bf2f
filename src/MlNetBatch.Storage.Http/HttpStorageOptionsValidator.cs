using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage.Http;

/// <summary>Checks <see cref="HttpStorageOptions"/> and reports every problem at once, each with its configuration path.</summary>
public sealed class HttpStorageOptionsValidator : IValidateOptions<HttpStorageOptions>
{
    private const int MinimumReadBlockBytes = 64 << 10;
    private const int MaximumBufferBytes = 1 << 30;
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
        if (options.ReadBlockBytes is < MinimumReadBlockBytes or > MaximumBufferBytes)
        {
            yield return $"ReadBlockBytes: must be from {MinimumReadBlockBytes} (64 KiB) to {MaximumBufferBytes} (1 GiB); it is {options.ReadBlockBytes}.";
        }

        if (options.ReadAheadBytes is < 0 or > MaximumBufferBytes)
        {
            yield return $"ReadAheadBytes: must be from 0 (no read-ahead) to {MaximumBufferBytes} (1 GiB); it is {options.ReadAheadBytes}.";
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
