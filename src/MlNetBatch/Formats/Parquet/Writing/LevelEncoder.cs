using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Numerics;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// Writes the repetition and definition levels of a data page (v1): Parquet's RLE/bit-packed hybrid, behind a
/// four-byte length. MlNetBatch writes no nulls, so its levels take two shapes only: one constant run, or the fixed
/// pattern of lists that all have the same length.
/// </summary>
internal static class LevelEncoder
{
    /// <summary>Levels for <paramref name="count"/> values that all have level <paramref name="level"/>: one RLE run.</summary>
    public static void WriteConstant(PooledBufferWriter output, int level, int maxLevel, int count)
    {
        var lengthAt = BeginLengthPrefixed(output);
        output.WriteVarint((ulong)count << 1);
        var width = BitWidth(maxLevel);
        for (var i = 0; i < (width + 7) / 8; i++)
        {
            output.WriteByte((byte)(level >> (8 * i)));
        }

        EndLengthPrefixed(output, lengthAt);
    }

    /// <summary>
    /// Repetition levels (maximum 1) of <paramref name="rows"/> lists of <paramref name="size"/> items each: 0 starts
    /// a list, 1 continues it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteFixedListRepetitions(PooledBufferWriter output, int size, int rows)
    {
        if (size == 1)
        {
            WriteConstant(output, 0, 1, rows);
            return;
        }

        // One bit-packed run, one bit per level, least significant bit first; the last byte's spare bits are padding
        // that readers ignore because the page says how many values it holds.
        var lengthAt = BeginLengthPrefixed(output);
        var count = checked(rows * size);
        var bytes = (count + 7) / 8;
        output.WriteVarint(((ulong)bytes << 1) | 1);
        var span = output.GetSpan(bytes)[..bytes];
        span.Clear();
        var inList = 0;
        for (var i = 0; i < count; i++)
        {
            if (inList != 0)
            {
                span[i >> 3] |= (byte)(1 << (i & 7));
            }

            if (++inList == size)
            {
                inList = 0;
            }
        }

        output.Advance(bytes);
        EndLengthPrefixed(output, lengthAt);
    }

    private static int BitWidth(int maxLevel) => 32 - BitOperations.LeadingZeroCount((uint)maxLevel);

    private static int BeginLengthPrefixed(PooledBufferWriter output)
    {
        var at = output.Length;
        output.GetSpan(4);
        output.Advance(4);
        return at;
    }

    private static void EndLengthPrefixed(PooledBufferWriter output, int lengthAt)
    {
        var length = output.Length - lengthAt - 4;
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpanAt(lengthAt, 4), length);
    }
}
