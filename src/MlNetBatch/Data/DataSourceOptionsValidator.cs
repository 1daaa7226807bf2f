using System.Globalization;
using Microsoft.Extensions.Options;

namespace MlNetBatch.Data;

/// <summary>
/// The rules for <see cref="DataSourceOptions"/>, in one place: <c>LoadFrom…</c> and
/// <see cref="PartitionedDataSource.OpenAsync(string, DataSourceOptions?, Storage.ObjectStoreResolver?, Formats.DataFormatRegistry?, CancellationToken)"/>
/// apply them to options passed in code, <c>AddMlNetBatch</c> at start-up to bound ones, and a job's <c>Source</c>
/// section is checked with them, so each problem reads the same wherever the options came from.
/// </summary>
public sealed class DataSourceOptionsValidator : IValidateOptions<DataSourceOptions>
{
    /// <summary>The smallest partition a line-oriented file is cut into.</summary>
    public const long MinPartitionBytes = 1024;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DataSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Each problem with <paramref name="options"/>, as <c>Setting: what is wrong</c>.</summary>
    public static IEnumerable<string> Problems(DataSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (column, type) in options.Columns ?? [])
        {
            if (!ColumnTypeNames.TryParse(type, out _))
            {
                yield return $"Columns:{column}: '{type}' is not a column type; use {ColumnTypeNames.Accepted}.";
            }
        }

        if (options.PartitionBytes < MinPartitionBytes)
        {
            yield return $"PartitionBytes: must be at least {MinPartitionBytes} (got {options.PartitionBytes.ToString(CultureInfo.InvariantCulture)}).";
        }

        foreach (var (setting, value) in new[]
        {
            (nameof(options.RowGroupsPerPartition), options.RowGroupsPerPartition ?? 1),
            (nameof(options.ChunkRows), options.ChunkRows),
            (nameof(options.PrefetchChunks), options.PrefetchChunks),
            (nameof(options.InferenceSampleRows), options.InferenceSampleRows),
            (nameof(options.FilesPerPartition), options.FilesPerPartition),
            (nameof(options.FetchConcurrency), options.FetchConcurrency),
            (nameof(options.MaxBytesInFlight), (int)Math.Clamp(options.MaxBytesInFlight, int.MinValue, int.MaxValue)),
        })
        {
            if (value < 1)
            {
                yield return $"{setting}: must be greater than zero (got {value.ToString(CultureInfo.InvariantCulture)}).";
            }
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem, for callers of the library API.</summary>
    internal static void ThrowIfInvalid(DataSourceOptions options)
    {
        var problems = Problems(options).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid source options: {string.Join(" ", problems)}", nameof(options));
        }
    }
}
