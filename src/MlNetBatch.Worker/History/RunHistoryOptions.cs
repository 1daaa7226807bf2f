namespace MlNetBatch.Worker.History;

/// <summary>The <c>MlNetBatch:History</c> section: how much run history is kept (in the <see cref="StateDirectoryOptions"/>).</summary>
public sealed class RunHistoryOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:History";

    /// <summary>The name of the history's database file in the state directory.</summary>
    public const string FileName = "history.db";

    /// <summary>Runs kept per job; older ones are deleted as new ones finish.</summary>
    /// <value>The default is 100.</value>
    public int KeepRuns { get; set; } = 100;
}
