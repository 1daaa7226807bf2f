namespace MlNetBatch.Worker.History;

/// <summary>How a recorded job run ended, or that it has not ended yet.</summary>
public enum RunStatus
{
    /// <summary>Started and not finished; shown as interrupted once its process is gone.</summary>
    Running,

    /// <summary>Every partition was committed.</summary>
    Succeeded,

    /// <summary>The run ended with an error.</summary>
    Failed,

    /// <summary>Stopped on request (shutdown, Ctrl-C) or by the end of its process; the next run resumes it.</summary>
    Interrupted,
}
