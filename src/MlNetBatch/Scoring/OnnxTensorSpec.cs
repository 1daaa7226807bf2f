using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetBatch.Scoring;

/// <summary>One model input or output as MlNetBatch sees it: a tensor of rows, bound to a column.</summary>
/// <param name="Name">The tensor's name in the model.</param>
/// <param name="ColumnName">The column it reads from or writes to.</param>
/// <param name="ItemType">The ML.NET type of one element (float for float16 and bfloat16 tensors, see <see cref="OnnxElementTypes"/>).</param>
/// <param name="Dimensions">The shape; the first dimension is the batch. -1 marks a dimension not known until the data is bound or a batch is formed.</param>
/// <param name="RowSize">
/// Values staged per row: the product of the dimensions after the batch. A <see cref="TensorLayout.Padded"/> input stages
/// one vector per row (1); a <see cref="TensorLayout.Mask"/> stages nothing (0).
/// </param>
/// <param name="ConcatenatedColumns">For an input fed by several columns, those columns in order; otherwise null.</param>
public sealed record OnnxTensorSpec(
    string Name, string ColumnName, PrimitiveDataViewType ItemType, int[] Dimensions, int RowSize,
    IReadOnlyList<string>? ConcatenatedColumns = null)
{
    /// <summary>The tensor's ONNX element type.</summary>
    public TensorElementType ElementType { get; init; } = TensorElementType.Float;

    /// <summary>The model's name for each dimension (<c>batch</c>, <c>H</c>, <c>sequence</c>); null where it fixes a size or names none.</summary>
    public IReadOnlyList<string?> DimensionNames { get; init; } = [];

    /// <summary>How rows become the tensor; see <see cref="TensorLayout"/>.</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Dense;

    /// <summary>For a <see cref="TensorLayout.Mask"/> input, the padded input it marks.</summary>
    public string? MaskOf { get; init; }

    /// <summary>For a <see cref="TensorLayout.Padded"/> input, the values per step of the padded dimension (the product of the dimensions after it).</summary>
    public int StepSize { get; init; } = 1;

    /// <summary>The columns that feed this tensor: <see cref="ConcatenatedColumns"/>, or just <see cref="ColumnName"/>; none for a mask.</summary>
    public IReadOnlyList<string> SourceColumns => Layout == TensorLayout.Mask ? [] : ConcatenatedColumns ?? [ColumnName];

    /// <summary>Whether every dimension after the batch is known, so every row has <see cref="RowSize"/> values.</summary>
    public bool HasFixedRowShape => Layout == TensorLayout.Dense && Dimensions.AsSpan(1).IndexOfAnyInRange(int.MinValue, 0) < 0;

    /// <summary>
    /// The type of the column an output becomes: the type ML.NET's own <c>ApplyOnnxModel</c> gives it, so that
    /// <c>ScoreOnnx</c>, <c>LoadBatched</c> and a stock <c>Model.Load</c> agree and a stock transform fitted after one
    /// accepts the others. That is a vector whose dimensions are the tensor's with the batch dimension set to 1:
    /// <c>[batch]</c> gives a vector of one item, <c>[batch,2]</c> a vector of dimensions 1×2 (size 2). An output whose
    /// shape is only known per batch is a vector of variable length, as stock ML.NET makes any tensor of unknown shape.
    /// </summary>
    public VectorDataViewType ColumnType => HasFixedRowShape
        ? new(ItemType, (int[])[1, .. Dimensions.AsSpan(1)])
        : new(ItemType);

    /// <summary>What one row of an input holds, for messages: <c>long</c> for <c>[batch]</c>, <c>float[16]</c> for <c>[batch,16]</c>.</summary>
    public string RowTypeName => !HasFixedRowShape
        ? $"{MlNetBatch.Data.ColumnTypeNames.Format(ItemType)}[]"
        : RowSize == 1 && Dimensions.Length <= 1
            ? MlNetBatch.Data.ColumnTypeNames.Format(ItemType)
            : $"{MlNetBatch.Data.ColumnTypeNames.Format(ItemType)}[{RowSize.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";

    /// <summary>The shape written as <c>[batch,16]</c>, or <c>[batch,3,H,W]</c> with the model's names for unknown dimensions.</summary>
    public string Shape => "[" + string.Join(",", Dimensions.Select((d, i) => d > 0
        ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : i == 0 ? "batch" : DimensionNames.ElementAtOrDefault(i) ?? "?")) + "]";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} {Shape} {OnnxElementTypes.Name(ElementType)} <-> {DescribeColumns()}";

    /// <summary>The bound column(s) as a user reads them.</summary>
    public string DescribeColumns() => Layout switch
    {
        TensorLayout.Mask => $"mask of '{MaskOf}' (filled by MlNetBatch)",
        TensorLayout.Padded => $"column '{ColumnName}' (padded per batch)",
        _ when ConcatenatedColumns is { } columns => $"columns {string.Join(", ", columns.Select(c => $"'{c}'"))} (concatenated)",
        _ => $"column '{ColumnName}'",
    };

    /// <summary>The tensor shape of a run of <paramref name="rows"/> rows, with any padded dimension set to <paramref name="paddedLength"/>.</summary>
    internal long[] RunShape(int rows, int paddedLength = 0)
    {
        var shape = new long[Dimensions.Length];
        shape[0] = rows;
        for (var d = 1; d < shape.Length; d++)
        {
            shape[d] = Dimensions[d] > 0 ? Dimensions[d] : paddedLength;
        }

        return shape;
    }

    /// <summary>The array a scoring slot stages this input's rows in (see <see cref="RowSize"/>).</summary>
    internal Array CreateStaging(int rows) => Layout switch
    {
        TensorLayout.Padded => Array.CreateInstance(typeof(VBuffer<>).MakeGenericType(ItemType.RawType), rows),
        TensorLayout.Mask => Array.Empty<byte>(),
        _ => Array.CreateInstance(ItemType.RawType, rows * RowSize),
    };
}
