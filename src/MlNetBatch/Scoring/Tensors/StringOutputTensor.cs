using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>A string output: ONNX Runtime allocates it, and its strings are copied into a text vector column (fixed-size or variable).</summary>
internal sealed class StringOutputTensor(OnnxTensorSpec spec) : OutputTensor(spec)
{
    public override OrtValue? Bind(ColumnBuffer column, int start, int count) => null;

    public override void Complete(ColumnBuffer column, int start, int count, OrtValue? allocated)
    {
        var total = checked((int)allocated!.GetTensorTypeAndShape().ElementCount);
        var rowLength = count == 0 ? 0 : total / count;
        switch (column)
        {
            case VectorColumnBuffer<ReadOnlyMemory<char>> fixedSize:
                for (var i = 0; i < total; i++)
                {
                    fixedSize.Values[(start * fixedSize.Size) + i] = allocated.GetStringElement(i).AsMemory();
                }

                break;
            case VariableVectorColumnBuffer<ReadOnlyMemory<char>> variable:
                for (var r = 0; r < count; r++)
                {
                    var editor = VBufferEditor.Create(ref variable.Values[start + r], rowLength);
                    for (var k = 0; k < rowLength; k++)
                    {
                        editor.Values[k] = allocated.GetStringElement((r * rowLength) + k).AsMemory();
                    }

                    variable.Values[start + r] = editor.Commit();
                }

                break;
            default:
                throw new NotSupportedException($"String output '{Spec.Name}' cannot be written into a column of type {column.Type}.");
        }
    }
}
