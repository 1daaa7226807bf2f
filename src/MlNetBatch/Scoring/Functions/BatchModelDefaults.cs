namespace MlNetBatch.Scoring.Functions;

/// <summary>The defaults of <see cref="BatchModelOptions"/>.</summary>
public static class BatchModelDefaults
{
    /// <summary>Rows per call when neither the registration nor the job sets one.</summary>
    public const int BatchSize = 16;

    /// <summary>Calls at once: one per processor, as a model that runs a process per row keeps every core busy with that.</summary>
    public static int MaxConcurrency => Environment.ProcessorCount;
}
