namespace MlNetBatch.Jobs.Progress;

/// <summary>The names of the stages every job has; preprocess stages are named by their transform.</summary>
public static class StageNames
{
    /// <summary>Reading and decoding the input.</summary>
    public const string Read = "read";

    /// <summary>Packing batches and running the model.</summary>
    public const string Score = "score";

    /// <summary>Encoding and writing the output files.</summary>
    public const string Write = "write";
}
