using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>
/// An output whose rows all have one shape: ONNX Runtime writes straight into the column's array. A float16 or bfloat16
/// output is written into a scratch tensor and widened into the float column.
/// </summary>
internal sealed class DenseOutputTensor(OnnxTensorSpec spec) : OutputTensor(spec)
{
    private readonly Type? _halfType = OnnxElementTypes.IsConverted(spec.ElementType) ? OnnxElementTypes.TensorClrType(spec.ElementType, spec.ItemType) : null;
    private Array? _scratch;

    public override OrtValue? Bind(ColumnBuffer column, int start, int count)
    {
        var length = count * Spec.RowSize;
        if (_halfType is null)
        {
            return OrtTensors.Over(ValuesOf(column), start * Spec.RowSize, length, Spec.RunShape(count));
        }

        if (_scratch is null || _scratch.Length < length)
        {
            _scratch = Array.CreateInstance(_halfType, Math.Max(length, (_scratch?.Length ?? 0) * 2));
        }

        return OrtTensors.Over(_scratch, 0, length, Spec.RunShape(count));
    }

    public override void Complete(ColumnBuffer column, int start, int count, OrtValue? allocated)
    {
        if (_halfType is null)
        {
            return;
        }

        var target = ((float[])ValuesOf(column)).AsSpan(start * Spec.RowSize, count * Spec.RowSize);
        if (_scratch is Float16[] half)
        {
            HalfPrecision.Widen(half.AsSpan(0, target.Length), target);
        }
        else
        {
            HalfPrecision.Widen(((BFloat16[])_scratch!).AsSpan(0, target.Length), target);
        }
    }

    /// <summary>The flat array behind a scalar or fixed-size vector column.</summary>
    private static Array ValuesOf(ColumnBuffer column) => column is IDenseColumnBuffer dense
        ? dense.Items
        : throw new NotSupportedException($"Model outputs cannot be written into a column of type {column.Type}.");
}
