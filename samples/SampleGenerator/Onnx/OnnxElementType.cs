namespace MlNetBatch.Samples.Generator;

/// <summary>ONNX tensor element types (values of <c>TensorProto.DataType</c>) that the sample models use.</summary>
public enum OnnxElementType
{
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,

    /// <summary>8-bit unsigned integer (image pixels).</summary>
    UInt8 = 2,

    /// <summary>8-bit signed integer.</summary>
    Int8 = 3,

    /// <summary>16-bit signed integer.</summary>
    Int16 = 5,

    /// <summary>32-bit signed integer.</summary>
    Int32 = 6,

    /// <summary>64-bit signed integer.</summary>
    Int64 = 7,

    /// <summary>UTF-8 string.</summary>
    String = 8,

    /// <summary>Boolean.</summary>
    Bool = 9,

    /// <summary>16-bit IEEE float (half precision).</summary>
    Float16 = 10,

    /// <summary>64-bit IEEE float.</summary>
    Double = 11,

    /// <summary>Brain floating point: a float's top 16 bits.</summary>
    BFloat16 = 16,
}
