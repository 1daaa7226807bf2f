using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// A column chunk's smallest and largest value in their plain encoding, which lets query engines skip row groups.
/// </summary>
/// <param name="Min">The plain-encoded minimum, or null when not recorded.</param>
/// <param name="Max">The plain-encoded maximum, or null when not recorded.</param>
internal readonly record struct ColumnStatistics(byte[]? Min, byte[]? Max)
{
    /// <summary>No minimum or maximum: text, whose order this writer leaves to readers, or floats holding NaN.</summary>
    public static ColumnStatistics None => default;

    /// <summary>The range of <paramref name="values"/>; NaN anywhere leaves it unrecorded, as the format asks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ColumnStatistics Of<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumber<T>
    {
        if (values.IsEmpty)
        {
            return None;
        }

        var min = values[0];
        var max = values[0];
        foreach (var value in values)
        {
            if (T.IsNaN(value))
            {
                return None;
            }

            min = value < min ? value : min;
            max = value > max ? value : max;
        }

        // The format's rule for signed zeros: a minimum of zero is written as -0 and a maximum of zero as +0, so a
        // reader that compares either zero against the range never skips a chunk that holds the other.
        if (T.IsZero(min))
        {
            min = -T.Zero;
        }

        if (T.IsZero(max))
        {
            max = T.Zero;
        }

        return new ColumnStatistics(ToBytes(min), ToBytes(max));
    }

    private static byte[] ToBytes<T>(T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();
}
