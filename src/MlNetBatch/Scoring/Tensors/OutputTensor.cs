using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>Brings one model output of a run into its column of a slot.</summary>
internal abstract class OutputTensor
{
    protected OutputTensor(OnnxTensorSpec spec)
    {
        Spec = spec;
    }

    /// <summary>The output.</summary>
    public OnnxTensorSpec Spec { get; }

    /// <summary>
    /// A tensor for ONNX Runtime to write rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>)
    /// into; null when ONNX Runtime must allocate the output itself (strings, shapes known only per run).
    /// </summary>
    public abstract OrtValue? Bind(ColumnBuffer column, int start, int count);

    /// <summary>Moves the run's values into the column: from <paramref name="allocated"/> when <see cref="Bind"/> gave null.</summary>
    public abstract void Complete(ColumnBuffer column, int start, int count, OrtValue? allocated);

    /// <summary>The output tensor for <paramref name="spec"/>.</summary>
    public static OutputTensor For(OnnxTensorSpec spec) => spec switch
    {
        { ElementType: TensorElementType.String } => new StringOutputTensor(spec),
        { HasFixedRowShape: true } => new DenseOutputTensor(spec),
        _ => GenericActivator.Create<OutputTensor>(typeof(VariableOutputTensor<>), spec.ItemType.RawType, spec),
    };
}
