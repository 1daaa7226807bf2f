namespace MlNetBatch.Pipeline;

/// <summary>A row of a block that a stage could not map (a corrupt image): a bad record, not a failure of the block.</summary>
/// <param name="Row">The row within the block.</param>
/// <param name="Reason">What is wrong with it, for the quarantine.</param>
/// <param name="File">The file the row stands for when the stage knows it (an image's path); otherwise the partition's file is named.</param>
/// <param name="Column">The column whose value is bad.</param>
public readonly record struct RejectedRow(int Row, string Reason, string? File, string? Column);
