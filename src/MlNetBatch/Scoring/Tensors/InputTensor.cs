using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>Makes one model input's tensor for a run over some of a slot's staged rows.</summary>
internal abstract class InputTensor
{
    protected InputTensor(OnnxTensorSpec spec)
    {
        Spec = spec;
    }

    /// <summary>The input.</summary>
    public OnnxTensorSpec Spec { get; }

    /// <summary>
    /// The tensor over rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of
    /// <paramref name="staging"/>. It may point into scratch memory this object owns, so it must be disposed before the
    /// next call.
    /// </summary>
    public abstract OrtValue Create(Array staging, int start, int count, PaddedLengths lengths);

    /// <summary>The input tensor for <paramref name="spec"/>.</summary>
    public static InputTensor For(OnnxTensorSpec spec) => spec switch
    {
        { Layout: TensorLayout.Mask } => GenericActivator.Create<InputTensor>(typeof(MaskInputTensor<>), spec.ItemType.RawType, spec),
        { Layout: TensorLayout.Padded } when spec.ElementType != TensorElementType.String =>
            GenericActivator.Create<InputTensor>(typeof(PaddedInputTensor<>), spec.ItemType.RawType, spec),
        { Layout: TensorLayout.Padded } => throw new OnnxModelException($"Input '{spec.Name}' is a string tensor of varying length; MlNetBatch pads numeric inputs only."),
        { ElementType: TensorElementType.String } => new StringInputTensor(spec),
        _ => new DenseInputTensor(spec),
    };

    /// <summary>Grows <paramref name="scratch"/> to at least <paramref name="length"/> items of <paramref name="type"/>.</summary>
    protected static Array Ensure(ref Array? scratch, Type type, int length)
    {
        if (scratch is null || scratch.Length < length)
        {
            scratch = Array.CreateInstance(type, Math.Max(length, (scratch?.Length ?? 0) * 2));
        }

        return scratch;
    }
}
