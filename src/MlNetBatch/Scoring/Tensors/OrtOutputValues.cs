using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>Reads any numeric output tensor as doubles, for checks that compare runs (not for scoring).</summary>
internal static class OrtOutputValues
{
    public static double[] AsDoubles(OrtValue value) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => Widen<float>(value, v => v),
        TensorElementType.Double => Widen<double>(value, v => v),
        TensorElementType.Float16 => Widen<Float16>(value, v => (float)v),
        TensorElementType.BFloat16 => Widen<BFloat16>(value, v => (float)v),
        TensorElementType.Int8 => Widen<sbyte>(value, v => v),
        TensorElementType.UInt8 => Widen<byte>(value, v => v),
        TensorElementType.Int16 => Widen<short>(value, v => v),
        TensorElementType.Int32 => Widen<int>(value, v => v),
        TensorElementType.Int64 => Widen<long>(value, v => v),
        TensorElementType.Bool => Widen<bool>(value, v => v ? 1 : 0),
        var other => throw new NotSupportedException($"Cannot compare {other} outputs."),
    };

    private static double[] Widen<T>(OrtValue value, Func<T, double> widen)
        where T : unmanaged
    {
        var span = value.GetTensorDataAsSpan<T>();
        var result = new double[span.Length];
        for (var i = 0; i < span.Length; i++)
        {
            result[i] = widen(span[i]);
        }

        return result;
    }
}
