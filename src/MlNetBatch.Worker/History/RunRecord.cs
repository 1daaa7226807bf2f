namespace MlNetBatch.Worker.History;

/// <summary>One job run as the history keeps it.</summary>
/// <param name="RunId">The run's id, unique across hosts.</param>
/// <param name="Job">The job's name.</param>
/// <param name="Started">When the run started.</param>
/// <param name="Ended">When it ended; null while it runs.</param>
/// <param name="Status">How it ended.</param>
/// <param name="RowsIn">Rows read (zero for a run that failed or was stopped).</param>
/// <param name="RowsOut">Rows written.</param>
/// <param name="BadRows">Rows set aside as bad.</param>
/// <param name="FilteredRows">Rows a <c>Filter</c> step took out.</param>
/// <param name="Error">The failure, on one line, as the command line reports it.</param>
/// <param name="Bottleneck">The stage that held the run back, when the run's summary names one.</param>
public sealed record RunRecord(
    string RunId, string Job, DateTimeOffset Started, DateTimeOffset? Ended, RunStatus Status,
    long RowsIn = 0, long RowsOut = 0, long BadRows = 0, long FilteredRows = 0, string? Error = null, string? Bottleneck = null)
{
    /// <summary>What each stage of a finished run did (the table <c>run</c> prints); empty for a run that did not finish.</summary>
    public IReadOnlyList<MlNetBatch.Jobs.Progress.StageStats> Stages { get; init; } = [];

    /// <summary>How long the run took; null while it runs.</summary>
    public TimeSpan? Duration => Ended - Started;
}
