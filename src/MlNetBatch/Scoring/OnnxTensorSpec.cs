using Microsoft.ML.Data;

namespace MlNetBatch.Scoring;

/// <summary>One model input or output as MlNetBatch sees it: a tensor of rows, bound to a column.</summary>
/// <param name="Name">The tensor's name in the model.</param>
/// <param name="ColumnName">The column it reads from or writes to.</param>
/// <param name="ItemType">The ML.NET type of one element.</param>
/// <param name="Dimensions">The model's shape; the first dimension is the batch (-1 when dynamic).</param>
/// <param name="RowSize">Elements per row: the product of the dimensions after the batch.</param>
/// <param name="ConcatenatedColumns">For an input fed by several columns, those columns in order; otherwise null.</param>
public sealed record OnnxTensorSpec(
    string Name, string ColumnName, PrimitiveDataViewType ItemType, int[] Dimensions, int RowSize,
    IReadOnlyList<string>? ConcatenatedColumns = null)
{
    /// <summary>The columns that feed this tensor: <see cref="ConcatenatedColumns"/>, or just <see cref="ColumnName"/>.</summary>
    public IReadOnlyList<string> SourceColumns => ConcatenatedColumns ?? [ColumnName];

    /// <summary>
    /// The type of the column an output becomes: the type ML.NET's own <c>ApplyOnnxModel</c> gives it, so that
    /// <c>ScoreOnnx</c>, <c>LoadBatched</c> and a stock <c>Model.Load</c> agree and a stock transform fitted after one
    /// accepts the others. That is a vector whose dimensions are the tensor's with the batch dimension set to 1:
    /// <c>[batch]</c> gives a vector of one item, <c>[batch,2]</c> a vector of dimensions 1×2 (size 2).
    /// </summary>
    public VectorDataViewType ColumnType => new(ItemType, (int[])[1, .. Dimensions.AsSpan(1)]);

    /// <summary>What one row of an input holds, for messages: <c>long</c> for <c>[batch]</c>, <c>float[16]</c> for <c>[batch,16]</c>.</summary>
    public string RowTypeName => RowSize == 1 && Dimensions.Length <= 1
        ? MlNetBatch.Data.ColumnTypeNames.Format(ItemType)
        : $"{MlNetBatch.Data.ColumnTypeNames.Format(ItemType)}[{RowSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";

    /// <summary>The shape written as <c>[batch,16]</c>.</summary>
    public string Shape => "[" + string.Join(",", Dimensions.Select((d, i) => d < 0 ? (i == 0 ? "batch" : "?") : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Shape} {MlNetBatch.Data.ColumnTypeNames.Format(ItemType)} <-> {DescribeColumns()}";

    /// <summary>The bound column(s) as a user reads them.</summary>
    public string DescribeColumns() => ConcatenatedColumns is { } columns
        ? $"columns {string.Join(", ", columns.Select(c => $"'{c}'"))} (concatenated)"
        : $"column '{ColumnName}'";
}
