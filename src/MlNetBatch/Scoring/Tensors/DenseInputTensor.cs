using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>
/// An input whose rows all have one shape. Staged values in the tensor's own type are handed to ONNX Runtime where they
/// lie; float16 and bfloat16 inputs are staged as floats and rounded into a scratch tensor first.
/// </summary>
internal sealed class DenseInputTensor(OnnxTensorSpec spec) : InputTensor(spec)
{
    private readonly Type? _halfType = OnnxElementTypes.IsConverted(spec.ElementType) ? OnnxElementTypes.TensorClrType(spec.ElementType, spec.ItemType) : null;
    private Array? _scratch;

    public override OrtValue Create(Array staging, int start, int count, PaddedLengths lengths)
    {
        var offset = start * Spec.RowSize;
        var length = count * Spec.RowSize;
        if (_halfType is null)
        {
            return OrtTensors.Over(staging, offset, length, Spec.RunShape(count));
        }

        var scratch = Ensure(ref _scratch, _halfType, length);
        HalfPrecision.Narrow(((float[])staging).AsSpan(offset, length), scratch);
        return OrtTensors.Over(scratch, 0, length, Spec.RunShape(count));
    }
}
