using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage;

/// <summary>
/// The one way a storage provider's options are checked: every problem at once, each as <c>Section:Property: problem</c>,
/// with the rules providers share (read sizes, retry counts, endpoint URLs) written here once.
/// </summary>
/// <param name="sectionName">The configuration section the options bind to, which prefixes every problem.</param>
public abstract class StorageOptionsValidator<TOptions>(string sectionName) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>The largest buffer a size setting may ask for, per open stream or writer.</summary>
    protected const int MaximumBufferBytes = 1 << 30;

    /// <summary>The most retries accepted: beyond that a dead endpoint stalls a job for hours.</summary>
    protected const int MaximumRetries = 20;

    private const int MinimumReadBlockBytes = 64 << 10;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Problems(options).Select(p => $"{sectionName}:{p}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What is wrong with <paramref name="options"/>, each as <c>Property: problem</c>, in the order they are reported.</summary>
    protected abstract IEnumerable<string> Problems(TOptions options);

    /// <summary>What is wrong with the read settings of a store built on <see cref="RangedObjectStream"/>.</summary>
    protected static IEnumerable<string> ReadProblems(RangedReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ReadBlockBytes is < MinimumReadBlockBytes or > MaximumBufferBytes)
        {
            yield return $"ReadBlockBytes: must be from {MinimumReadBlockBytes} (64 KiB) to {MaximumBufferBytes} (1 GiB); it is {options.ReadBlockBytes}.";
        }

        if (options.ReadAheadBytes is < 0 or > MaximumBufferBytes)
        {
            yield return $"ReadAheadBytes: must be from 0 (no read-ahead) to {MaximumBufferBytes} (1 GiB); it is {options.ReadAheadBytes}.";
        }
    }

    /// <summary>What is wrong with a <c>MaxRetries</c> setting, if anything.</summary>
    protected static IEnumerable<string> RetryProblems(int maxRetries)
    {
        if (maxRetries is < 0 or > MaximumRetries)
        {
            yield return $"MaxRetries: must be from 0 to {MaximumRetries}; it is {maxRetries}.";
        }
    }

    /// <summary>Whether <paramref name="url"/> is an absolute <c>http://</c> or <c>https://</c> URL, as every endpoint setting must be.</summary>
    protected static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
