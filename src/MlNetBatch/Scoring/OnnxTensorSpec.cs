using Microsoft.ML.Data;

namespace MlNetBatch.Scoring;

/// <summary>One model input or output as MlNetBatch sees it: a tensor of rows, bound to a column.</summary>
/// <param name="Name">The tensor's name in the model.</param>
/// <param name="ColumnName">The column it reads from or writes to.</param>
/// <param name="ItemType">The ML.NET type of one element.</param>
/// <param name="Dimensions">The model's shape; the first dimension is the batch (-1 when dynamic).</param>
/// <param name="RowSize">Elements per row: the product of the dimensions after the batch.</param>
/// <param name="RankOneAsVector">Whether a <c>[batch]</c> tensor maps to a vector of one item rather than a scalar.</param>
/// <param name="ConcatenatedColumns">For an input fed by several columns, those columns in order; otherwise null.</param>
public sealed record OnnxTensorSpec(
    string Name, string ColumnName, PrimitiveDataViewType ItemType, int[] Dimensions, int RowSize,
    bool RankOneAsVector = false, IReadOnlyList<string>? ConcatenatedColumns = null)
{
    /// <summary>The columns that feed this tensor: <see cref="ConcatenatedColumns"/>, or just <see cref="ColumnName"/>.</summary>
    public IReadOnlyList<string> SourceColumns => ConcatenatedColumns ?? [ColumnName];

    /// <summary>The column type that holds one row of this tensor: a scalar for <c>[batch]</c> (unless <see cref="RankOneAsVector"/>), else a vector.</summary>
    public DataViewType ColumnType => Dimensions.Length <= 1
        ? (RankOneAsVector ? new VectorDataViewType(ItemType, 1) : ItemType)
        : new VectorDataViewType(ItemType, Dimensions[1..]);

    /// <summary>The shape written as <c>[batch,16]</c>.</summary>
    public string Shape => "[" + string.Join(",", Dimensions.Select((d, i) => d < 0 ? (i == 0 ? "batch" : "?") : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Shape} {MlNetBatch.Data.ColumnTypeNames.Format(ItemType)} <-> {DescribeColumns()}";

    /// <summary>The bound column(s) as a user reads them.</summary>
    public string DescribeColumns() => ConcatenatedColumns is { } columns
        ? $"columns {string.Join(", ", columns.Select(c => $"'{c}'"))} (concatenated)"
        : $"column '{ColumnName}'";
}
