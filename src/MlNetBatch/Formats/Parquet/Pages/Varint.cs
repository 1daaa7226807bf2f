namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>
/// Unsigned LEB128 integers, which Thrift's compact protocol, Parquet's level encoding and its delta encoding all use.
/// </summary>
internal static class Varint
{
    /// <summary>Reads one integer at <paramref name="position"/> and moves past it.</summary>
    /// <exception cref="InvalidDataException">The data ends inside the number, or it is longer than 64 bits.</exception>
    public static ulong Read(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("Corrupt Parquet page: the data ends inside a number.");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("Corrupt Parquet page: a number is longer than 64 bits.");
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="position"/> and moves past it (at most 10 bytes).</summary>
    public static void Write(Span<byte> destination, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[position++] = (byte)value;
    }

    /// <summary>Maps signed to unsigned so that small magnitudes of either sign stay short: 0, -1, 1, -2 → 0, 1, 2, 3.</summary>
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}
