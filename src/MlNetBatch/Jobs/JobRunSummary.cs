namespace MlNetBatch.Jobs;

/// <summary>What a job run did.</summary>
/// <param name="Job">The job's name.</param>
/// <param name="Partitions">Partitions processed.</param>
/// <param name="RowsIn">Rows read.</param>
/// <param name="RowsOut">Rows written.</param>
/// <param name="BadRows">Rows set aside as bad.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
/// <param name="OutputDirectory">Where the output files are.</param>
/// <param name="OutputFiles">The output files, one per partition, including those of earlier runs that were kept.</param>
/// <param name="ResumedPartitions">Partitions skipped because an earlier run had committed them for the same input and model.</param>
public sealed record JobRunSummary(
    string Job, int Partitions, long RowsIn, long RowsOut, long BadRows, TimeSpan Elapsed, string OutputDirectory, IReadOnlyList<string> OutputFiles,
    int ResumedPartitions = 0)
{
    /// <summary>Missing numbers (empty fields, <c>NA</c>, JSON nulls) read as NaN in the partitions scored by this run.</summary>
    public long MissingValues { get; init; }

    /// <summary>Rows a <c>Filter</c> step took out in the partitions scored by this run (read, neither written nor quarantined).</summary>
    public long FilteredRows { get; init; }

    /// <summary>What each stage did (read, the preprocess steps, score, write), in pipeline order; see <see cref="Progress.StageStats"/>.</summary>
    public IReadOnlyList<Progress.StageStats> Stages { get; init; } = [];

    /// <summary>The stage that limited the run's throughput (see <see cref="Progress.StageStats.Bottleneck"/>); null when no stage ran.</summary>
    public string? Bottleneck { get; init; }

    /// <summary>Rows written per second of wall-clock time (rows of resumed partitions are not counted).</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsOut / Elapsed.TotalSeconds : 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"Job '{Job}': {Partitions} partitions ({ResumedPartitions} already committed), {RowsIn} rows in, {RowsOut} rows out, {BadRows} bad rows, {MissingValues} missing values read as NaN, {(FilteredRows > 0 ? $"{FilteredRows} rows filtered out, " : string.Empty)}{RowsPerSecond:N0} rows/s, {Elapsed.TotalSeconds:N2} s; output in {OutputDirectory}";
}
