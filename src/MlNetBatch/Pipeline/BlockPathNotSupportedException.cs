namespace MlNetBatch.Pipeline;

/// <summary>
/// A block transform has no block version for these input columns (say a Concatenate of text); a job then runs the
/// stock ML.NET transform of the same name on the row path, and its plan says why.
/// </summary>
public sealed class BlockPathNotSupportedException(string reason) : MlNetBatchException(reason);
