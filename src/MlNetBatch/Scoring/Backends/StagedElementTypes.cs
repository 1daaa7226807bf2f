using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// The element types I/O binding can stage through a native buffer by copying bytes: fixed-size values whose .NET
/// layout is ONNX Runtime's (strings, which ONNX Runtime keeps as objects, are not among them).
/// </summary>
internal static class StagedElementTypes
{
    private static readonly Dictionary<Type, (TensorElementType Type, int Size)> Types = new()
    {
        [typeof(float)] = (TensorElementType.Float, sizeof(float)),
        [typeof(double)] = (TensorElementType.Double, sizeof(double)),
        [typeof(long)] = (TensorElementType.Int64, sizeof(long)),
        [typeof(int)] = (TensorElementType.Int32, sizeof(int)),
        [typeof(short)] = (TensorElementType.Int16, sizeof(short)),
        [typeof(ushort)] = (TensorElementType.UInt16, sizeof(ushort)),
        [typeof(uint)] = (TensorElementType.UInt32, sizeof(uint)),
        [typeof(ulong)] = (TensorElementType.UInt64, sizeof(ulong)),
        [typeof(byte)] = (TensorElementType.UInt8, sizeof(byte)),
        [typeof(sbyte)] = (TensorElementType.Int8, sizeof(sbyte)),
        // .NET's bool is one byte, as ONNX Runtime's is.
        [typeof(bool)] = (TensorElementType.Bool, sizeof(bool)),
        [typeof(Float16)] = (TensorElementType.Float16, 2),
        [typeof(BFloat16)] = (TensorElementType.BFloat16, 2),
    };

    /// <summary>The ONNX element type and byte size of arrays of <paramref name="clrType"/>, when they can be staged.</summary>
    public static bool TryGet(Type clrType, out TensorElementType elementType, out int size)
    {
        var found = Types.TryGetValue(clrType, out var entry);
        (elementType, size) = entry;
        return found;
    }
}
