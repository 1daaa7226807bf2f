namespace MlNetBatch.Data;

/// <summary>
/// Bytes one value of a column's raw type takes in a buffer, for sizing blocks and batches. An explicit table:
/// <c>Marshal.SizeOf</c> throws for <see cref="DateTime"/> and generic structs such as text's <c>ReadOnlyMemory&lt;char&gt;</c>.
/// </summary>
internal static class ItemSizes
{
    /// <summary>The size of a <paramref name="type"/> value; <paramref name="otherwise"/> for references and types not in the table.</summary>
    public static int Of(Type type, int otherwise) =>
        type == typeof(bool) || type == typeof(byte) || type == typeof(sbyte) ? 1
        : type == typeof(short) || type == typeof(ushort) || type == typeof(Half) ? 2
        : type == typeof(int) || type == typeof(uint) || type == typeof(float) ? 4
        : type == typeof(long) || type == typeof(ulong) || type == typeof(double) || type == typeof(DateTime) || type == typeof(TimeSpan) ? 8
        : type == typeof(DateTimeOffset) ? 16
        : otherwise;
}
