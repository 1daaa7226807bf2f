namespace MlNetBatch.Scoring.Functions;

/// <summary>How a registered batch model is called; named options, one set per registered name.</summary>
public sealed class BatchModelOptions
{
    /// <summary>Calls of the model running at once, over every partition and job of the process.</summary>
    /// <value>The default is <see cref="BatchModelDefaults.MaxConcurrency"/> (the processor count).</value>
    public int MaxConcurrency { get; set; } = BatchModelDefaults.MaxConcurrency;

    /// <summary>Rows per call; a job's <c>Model:BatchSize</c> above 0 overrides it.</summary>
    /// <value>The default is <see cref="BatchModelDefaults.BatchSize"/>.</value>
    public int BatchSize { get; set; } = BatchModelDefaults.BatchSize;
}
