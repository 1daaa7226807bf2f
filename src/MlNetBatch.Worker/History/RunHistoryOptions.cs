namespace MlNetBatch.Worker.History;

/// <summary>The <c>MlNetBatch:History</c> section: where the run history is kept and how much of it.</summary>
public sealed class RunHistoryOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:History";

    /// <summary>The name of the history's database file in <see cref="Directory"/>.</summary>
    public const string FileName = "history.db";

    /// <summary>
    /// The state directory that holds the history (<c>history.db</c>); a relative path is resolved against the content
    /// root. The service and the <c>history</c>/<c>status</c> commands must read the same directory.
    /// </summary>
    /// <value>
    /// The default is systemd's <c>$STATE_DIRECTORY</c> when the unit sets <c>StateDirectory=</c>, and otherwise
    /// <c>.mlnetbatch</c> under the content root (the working directory).
    /// </value>
    public string? Directory { get; set; }

    /// <summary>Runs kept per job; older ones are deleted as new ones finish.</summary>
    /// <value>The default is 100.</value>
    public int KeepRuns { get; set; } = 100;
}
