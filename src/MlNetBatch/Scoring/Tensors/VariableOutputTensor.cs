using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>
/// An output whose shape is known only per run (it follows a padded input, or the model computes it): ONNX Runtime
/// allocates it, and each row becomes a vector of the run's row length in a variable-length column.
/// </summary>
internal sealed class VariableOutputTensor<T>(OnnxTensorSpec spec) : OutputTensor(spec)
    where T : unmanaged
{
    public override OrtValue? Bind(ColumnBuffer column, int start, int count) => null;

    public override void Complete(ColumnBuffer column, int start, int count, OrtValue? allocated)
    {
        var values = ((VariableVectorColumnBuffer<T>)column).Values;
        var shape = allocated!.GetTensorTypeAndShape().Shape;
        var rowLength = RowLength(shape, count);
        for (var r = 0; r < count; r++)
        {
            var editor = VBufferEditor.Create(ref values[start + r], rowLength);
            var target = editor.Values;
            switch (Spec.ElementType)
            {
                // Half-precision outputs are float columns (T is float): widened as they are copied.
                case TensorElementType.Float16:
                    HalfPrecision.Widen(allocated.GetTensorDataAsSpan<Float16>().Slice(r * rowLength, rowLength), MemoryMarshal.Cast<T, float>(target));
                    break;
                case TensorElementType.BFloat16:
                    HalfPrecision.Widen(allocated.GetTensorDataAsSpan<BFloat16>().Slice(r * rowLength, rowLength), MemoryMarshal.Cast<T, float>(target));
                    break;
                default:
                    allocated.GetTensorDataAsSpan<T>().Slice(r * rowLength, rowLength).CopyTo(target);
                    break;
            }

            values[start + r] = editor.Commit();
        }
    }

    /// <summary>Values per row of a run's output: the product of its dimensions after the batch.</summary>
    private int RowLength(long[] shape, int count)
    {
        if (shape.Length == 0 || shape[0] != count)
        {
            throw new OnnxModelException($"Output '{Spec.Name}' has shape [{string.Join(",", shape)}] for a run of {count} rows; its first dimension must be the batch.");
        }

        long length = 1;
        for (var d = 1; d < shape.Length; d++)
        {
            length *= shape[d];
        }

        return checked((int)length);
    }
}
