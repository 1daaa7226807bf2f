using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring.Backends;

/// <summary>What every backend needs to address a run: the tensor shape of a number of rows, and a slot's output arrays.</summary>
internal static class RunShapes
{
    /// <summary>The shape of <paramref name="rows"/> rows of <paramref name="spec"/>: the batch dimension first.</summary>
    public static long[] ForRows(OnnxTensorSpec spec, int rows)
    {
        var shape = new long[spec.Dimensions.Length];
        shape[0] = rows;
        for (var d = 1; d < shape.Length; d++)
        {
            shape[d] = spec.Dimensions[d];
        }

        return shape;
    }

    /// <summary>The flat array an output column keeps its values in, which ONNX Runtime writes into directly.</summary>
    public static Array OutputArray(ColumnBuffer buffer) => buffer switch
    {
        ScalarColumnBuffer<float> b => b.Values,
        ScalarColumnBuffer<double> b => b.Values,
        ScalarColumnBuffer<long> b => b.Values,
        ScalarColumnBuffer<int> b => b.Values,
        ScalarColumnBuffer<bool> b => b.Values,
        VectorColumnBuffer<float> b => b.Values,
        VectorColumnBuffer<double> b => b.Values,
        VectorColumnBuffer<long> b => b.Values,
        VectorColumnBuffer<int> b => b.Values,
        VectorColumnBuffer<bool> b => b.Values,
        _ => throw new NotSupportedException($"Model outputs of type {buffer.Type} are not supported."),
    };
}
