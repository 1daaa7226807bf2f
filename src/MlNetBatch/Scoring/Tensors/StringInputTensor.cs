using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>A string input: ONNX Runtime keeps its strings in native memory, so each run copies the staged text there (as UTF-8).</summary>
internal sealed class StringInputTensor(OnnxTensorSpec spec) : InputTensor(spec)
{
    public override OrtValue Create(Array staging, int start, int count, PaddedLengths lengths)
    {
        var values = ((ReadOnlyMemory<char>[])staging).AsSpan(start * Spec.RowSize, count * Spec.RowSize);
        var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, Spec.RunShape(count));
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                tensor.StringTensorSetElementAt(values[i].Span, i);
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }
}
