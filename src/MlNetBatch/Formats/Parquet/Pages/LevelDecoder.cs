using System.Buffers.Binary;

namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>Decodes definition levels stored in Parquet's RLE / bit-packed hybrid encoding.</summary>
internal static class LevelDecoder
{
    /// <summary>
    /// Decodes exactly <paramref name="levels"/>.Length levels of <paramref name="bitWidth"/> bits each and returns how
    /// many equal <paramref name="maxLevel"/> (the values that are present).
    /// </summary>
    /// <exception cref="InvalidDataException">The encoded levels are malformed or too short.</exception>
    public static int Decode(ReadOnlySpan<byte> data, int bitWidth, int maxLevel, Span<int> levels)
    {
        var position = 0;
        var written = 0;
        var present = 0;
        var valueBytes = (bitWidth + 7) / 8;
        var mask = (1 << bitWidth) - 1;
        while (written < levels.Length)
        {
            var header = Varint.Read(data, ref position);
            if ((header & 1) == 0)
            {
                // A run: one value repeated header/2 times.
                var count = Math.Min(checked((int)(header >> 1)), levels.Length - written);
                if (valueBytes > data.Length - position)
                {
                    throw Corrupt();
                }

                var value = 0;
                for (var b = 0; b < valueBytes; b++)
                {
                    value |= data[position + b] << (8 * b);
                }

                position += valueBytes;
                levels.Slice(written, count).Fill(value);
                written += count;
                present += value == maxLevel ? count : 0;
            }
            else
            {
                // Bit-packed groups of eight values, least significant bit first.
                var groups = checked((int)(header >> 1));
                var bytes = checked(groups * bitWidth);
                if (bytes > data.Length - position)
                {
                    throw Corrupt();
                }

                var packed = data.Slice(position, bytes);
                position += bytes;
                var count = Math.Min(groups * 8, levels.Length - written);
                for (var i = 0; i < count; i++)
                {
                    var bit = i * bitWidth;
                    var word = packed.Length - (bit >> 3) >= 4
                        ? BinaryPrimitives.ReadInt32LittleEndian(packed[(bit >> 3)..])
                        : ReadTail(packed[(bit >> 3)..]);
                    var level = (word >> (bit & 7)) & mask;
                    levels[written + i] = level;
                    present += level == maxLevel ? 1 : 0;
                }

                written += count;
            }
        }

        return present;
    }

    private static int ReadTail(ReadOnlySpan<byte> bytes)
    {
        var value = 0;
        for (var b = 0; b < bytes.Length; b++)
        {
            value |= bytes[b] << (8 * b);
        }

        return value;
    }

    private static InvalidDataException Corrupt() => new("Corrupt Parquet definition levels: the encoded data ends early.");
}
