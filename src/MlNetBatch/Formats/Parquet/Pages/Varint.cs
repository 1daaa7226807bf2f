namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>Unsigned LEB128 integers, which both Thrift's compact protocol and Parquet's level encoding use.</summary>
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
}
