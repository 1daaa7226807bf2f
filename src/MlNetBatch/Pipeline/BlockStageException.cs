using MlNetBatch.Data;

namespace MlNetBatch.Pipeline;

/// <summary>A block stage failed on a block of rows; the message names the stage, the input file and the rows, then the cause.</summary>
public sealed class BlockStageException : MlNetBatchException
{
    internal BlockStageException(string stage, RecordBatch block, Exception cause)
        : base($"block stage '{stage}' failed on rows {block.FirstRowInPartition}–{block.FirstRowInPartition + block.RowCount - 1} of {Where(block)}: {cause.GetType().Name}: {cause.Message}", cause)
    {
        Stage = stage;
    }

    /// <summary>The name of the stage that failed.</summary>
    public string Stage { get; }

    private static string Where(RecordBatch block) =>
        block.Partition is { } partition ? $"'{partition.Id}'" : "the input";
}
