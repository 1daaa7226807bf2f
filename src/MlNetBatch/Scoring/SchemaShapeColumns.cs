using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Creates <see cref="SchemaShape.Column"/> values. ML.NET keeps that constructor internal, yet an estimator
/// outside ML.NET must describe the columns it adds; reflection here is the one place that depends on it.
/// </summary>
internal static class SchemaShapeColumns
{
    private static readonly ConstructorInfo Constructor = typeof(SchemaShape.Column).GetConstructor(
        BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public,
        [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)])
        ?? throw new MissingMethodException("ML.NET's SchemaShape.Column constructor has changed; update SchemaShapeColumns.");

    public static SchemaShape.Column Create(string name, DataViewType type)
    {
        var (kind, itemType) = type switch
        {
            VectorDataViewType { IsKnownSize: true } v => (SchemaShape.Column.VectorKind.Vector, v.ItemType),
            VectorDataViewType v => (SchemaShape.Column.VectorKind.VariableVector, v.ItemType),
            _ => (SchemaShape.Column.VectorKind.Scalar, type),
        };
        // ML.NET describes a key column by its raw number type and a key flag, as its own transforms do.
        return itemType is KeyDataViewType key
            ? (SchemaShape.Column)Constructor.Invoke([name, kind, KeyRawType(key), true, null])
            : (SchemaShape.Column)Constructor.Invoke([name, kind, itemType, false, null]);
    }

    private static DataViewType KeyRawType(KeyDataViewType key) =>
        key.RawType == typeof(byte) ? NumberDataViewType.Byte
        : key.RawType == typeof(ushort) ? NumberDataViewType.UInt16
        : key.RawType == typeof(ulong) ? NumberDataViewType.UInt64
        : NumberDataViewType.UInt32;
}
