using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetBatch.Scoring;

/// <summary>
/// How ONNX tensor element types meet ML.NET column types. Each type maps to the ML.NET type stock
/// <c>ApplyOnnxModel</c> gives it (uint8 is <c>byte</c>, string is text…). ML.NET has no half-precision type, and
/// stock ML.NET refuses float16 models; here float16 and bfloat16 tensors are <c>float</c> columns, converted at the
/// tensor boundary (rounding to nearest even on the way in, exact on the way out).
/// </summary>
internal static class OnnxElementTypes
{
    /// <summary>The element types MlNetBatch scores, for messages.</summary>
    public const string Supported = "float, float16, bfloat16, double, int8, uint8, int16, int32, int64, bool, string";

    /// <summary>The ML.NET item type for an ONNX element type; null when MlNetBatch does not support it.</summary>
    public static PrimitiveDataViewType? ItemType(TensorElementType elementType) => elementType switch
    {
        TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16 => NumberDataViewType.Single,
        TensorElementType.Double => NumberDataViewType.Double,
        TensorElementType.Int8 => NumberDataViewType.SByte,
        TensorElementType.UInt8 => NumberDataViewType.Byte,
        TensorElementType.Int16 => NumberDataViewType.Int16,
        TensorElementType.Int32 => NumberDataViewType.Int32,
        TensorElementType.Int64 => NumberDataViewType.Int64,
        TensorElementType.Bool => BooleanDataViewType.Instance,
        TensorElementType.String => TextDataViewType.Instance,
        _ => null,
    };

    /// <summary>Whether the tensor's elements differ from the column's items in memory, so values are converted at the boundary.</summary>
    public static bool IsConverted(TensorElementType elementType) =>
        elementType is TensorElementType.Float16 or TensorElementType.BFloat16;

    /// <summary>The .NET type ONNX Runtime uses for the tensor's elements (<see cref="Float16"/> for float16).</summary>
    public static Type TensorClrType(TensorElementType elementType, PrimitiveDataViewType itemType) => elementType switch
    {
        TensorElementType.Float16 => typeof(Float16),
        TensorElementType.BFloat16 => typeof(BFloat16),
        TensorElementType.String => typeof(string),
        _ => itemType.RawType,
    };

    /// <summary>The ONNX name of an element type, for messages: <c>float16</c>, <c>uint8</c>.</summary>
    public static string Name(TensorElementType elementType) => elementType switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "double",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int16 => "int16",
        TensorElementType.UInt16 => "uint16",
        TensorElementType.Int32 => "int32",
        TensorElementType.UInt32 => "uint32",
        TensorElementType.Int64 => "int64",
        TensorElementType.UInt64 => "uint64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => elementType.ToString().ToLowerInvariant(),
    };
}
