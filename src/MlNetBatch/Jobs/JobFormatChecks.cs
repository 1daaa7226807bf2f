using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Sinks;

namespace MlNetBatch.Jobs;

/// <summary>
/// The checks of a job's formats against the registered ones: a source format nobody reads, a sink format nobody
/// writes, Parquet settings on other output. Part of <see cref="JobDefinitionValidator"/>; problems are worded
/// relative to the job's section and list the registered names, so a typo and a missing package read alike.
/// </summary>
/// <param name="formats">The readers and their extensions.</param>
/// <param name="writers">The writers.</param>
internal sealed class JobFormatChecks(DataFormatRegistry formats, RecordBatchWriterRegistry writers)
{
    /// <summary>Every format problem of <paramref name="job"/>, path first.</summary>
    public IEnumerable<string> Problems(JobDefinition job)
    {
        foreach (var problem in NameProblems(job.Source.Format, job.Sink.Format))
        {
            yield return problem;
        }

        if (job.Sink.Format != DataFormatKind.Parquet && !job.Sink.Parquet.IsDefault())
        {
            yield return $"Sink:Parquet: applies only to Parquet output, and the sink writes {job.Sink.Format}; remove the section or set Sink:Format to Parquet.";
        }
    }

    /// <summary>A source format nobody reads, and a sink format nobody writes; null when the job does not set one.</summary>
    public IEnumerable<string> NameProblems(DataFormatKind? source, DataFormatKind? sink)
    {
        if (source is { } read && !formats.Contains(read))
        {
            yield return $"Source:Format: no format named '{read}' is registered; the formats are {string.Join(", ", formats.Kinds)}.";
        }

        // An output file takes its name's extension from the reader's registration, so a writer alone is not enough.
        var writable = writers.Kinds.Where(formats.Contains).ToList();
        if (sink is { } written && !writable.Contains(written))
        {
            yield return $"Sink:Format: no format named '{written}' can be written; the formats that can are {string.Join(", ", writable)}.";
        }
    }
}
