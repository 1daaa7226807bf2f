using System.Globalization;
using Microsoft.ML.Data;

namespace MlNetBatch.Data;

/// <summary>Reads and writes the column type names used in job definitions: <c>float</c>, <c>long</c>, <c>string</c>, <c>float[16]</c>…</summary>
public static class ColumnTypeNames
{
    /// <summary>The names accepted by <see cref="TryParse"/>, for error messages.</summary>
    public const string Accepted = "float, double, int, long, bool, string, a fixed-size vector such as float[16], or bytes (byte[]: raw bytes of any length, such as an encoded image)";

    /// <summary>Parses a type name; returns false for an unknown name.</summary>
    public static bool TryParse(string name, out DataViewType type)
    {
        type = null!;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        name = name.Trim().ToLowerInvariant();
        if (name is "bytes" or "byte[]" or "binary")
        {
            type = new VectorDataViewType(NumberDataViewType.Byte);
            return true;
        }

        var bracket = name.IndexOf('[');
        if (bracket > 0 && name.EndsWith(']'))
        {
            if (!int.TryParse(name[(bracket + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size <= 0
                || !TryParseScalar(name[..bracket], out var item) || item is not PrimitiveDataViewType primitive || item is TextDataViewType)
            {
                return false;
            }

            type = new VectorDataViewType(primitive, size);
            return true;
        }

        return TryParseScalar(name, out type);
    }

    /// <summary>The job-definition name of an ML.NET type.</summary>
    public static string Format(DataViewType type) => type switch
    {
        VectorDataViewType { IsKnownSize: true } v => $"{Format(v.ItemType)}[{v.Size}]",
        VectorDataViewType v => $"{Format(v.ItemType)}[]",
        TextDataViewType => "string",
        BooleanDataViewType => "bool",
        _ when type == NumberDataViewType.Single => "float",
        _ when type == NumberDataViewType.Double => "double",
        _ when type == NumberDataViewType.Int32 => "int",
        _ when type == NumberDataViewType.Int64 => "long",
        _ when type == NumberDataViewType.Byte => "byte",
        _ when type == NumberDataViewType.SByte => "sbyte",
        _ when type == NumberDataViewType.Int16 => "short",
        _ => type.ToString() ?? type.RawType.Name,
    };

    private static bool TryParseScalar(string name, out DataViewType type)
    {
        DataViewType? parsed = name switch
        {
            "float" or "single" or "float32" or "r4" => NumberDataViewType.Single,
            "double" or "float64" or "r8" => NumberDataViewType.Double,
            "int" or "int32" or "i4" => NumberDataViewType.Int32,
            "long" or "int64" or "i8" => NumberDataViewType.Int64,
            "bool" or "boolean" => BooleanDataViewType.Instance,
            "string" or "text" => TextDataViewType.Instance,
            _ => null,
        };
        type = parsed!;
        return parsed is not null;
    }
}
