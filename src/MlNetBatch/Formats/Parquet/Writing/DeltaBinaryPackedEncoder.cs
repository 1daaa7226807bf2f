using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Numerics;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// Parquet's <c>DELTA_BINARY_PACKED</c> encoding of integers: the first value, then blocks of differences between
/// neighbours, each block stored as its smallest difference plus bit-packed offsets from it. Ids that count up and
/// labels that barely change shrink to a few bits per value, or to nothing at all.
/// </summary>
/// <remarks>
/// Differences wrap around in the column's own width, as the format specifies, so 32-bit columns always fit readers'
/// 32-bit decoders however far apart neighbours are.
/// Its loops are optimized from the first call (<see cref="MethodImplOptions.AggressiveOptimization"/>): a job calls
/// them only a few hundred times, too few for tiered compilation to get to them while it still matters.
/// </remarks>
internal static class DeltaBinaryPackedEncoder
{
    private const int BlockSize = 128;
    private const int MiniblocksPerBlock = 4;
    private const int MiniblockSize = BlockSize / MiniblocksPerBlock;

    /// <summary>Appends the encoding of <paramref name="values"/> (32- or 64-bit integers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode<T>(ReadOnlySpan<T> values, PooledBufferWriter output)
        where T : unmanaged, IBinaryInteger<T>
    {
        // Offsets keep only the column's own width: a 32-bit difference that wrapped stays a 32-bit number.
        var width = Unsafe.SizeOf<T>() * 8;
        var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        WriteHeader(output, values.Length, values.IsEmpty ? 0 : long.CreateTruncating(values[0]));
        Span<ulong> offsets = stackalloc ulong[BlockSize];
        for (var start = 1; start < values.Length; start += BlockSize)
        {
            var count = Math.Min(BlockSize, values.Length - start);
            var minDelta = values[start] - values[start - 1];
            for (var i = 1; i < count; i++)
            {
                minDelta = T.Min(minDelta, values[start + i] - values[start + i - 1]);
            }

            for (var i = 0; i < count; i++)
            {
                offsets[i] = ulong.CreateTruncating(values[start + i] - values[start + i - 1] - minDelta) & mask;
            }

            WriteBlock(output, long.CreateTruncating(minDelta), offsets[..count]);
        }
    }

    private static void WriteHeader(PooledBufferWriter output, int count, long first)
    {
        output.WriteVarint(BlockSize);
        output.WriteVarint(MiniblocksPerBlock);
        output.WriteVarint((ulong)count);
        output.WriteVarint(Pages.Varint.ZigZag(first));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteBlock(PooledBufferWriter output, long minDelta, ReadOnlySpan<ulong> offsets)
    {
        output.WriteVarint(Pages.Varint.ZigZag(minDelta));
        Span<byte> widths = stackalloc byte[MiniblocksPerBlock];
        widths.Clear();
        var used = (offsets.Length + MiniblockSize - 1) / MiniblockSize;
        for (var m = 0; m < used; m++)
        {
            ulong any = 0;
            foreach (var offset in offsets.Slice(m * MiniblockSize, Math.Min(MiniblockSize, offsets.Length - m * MiniblockSize)))
            {
                any |= offset;
            }

            widths[m] = (byte)(64 - BitOperations.LeadingZeroCount(any));
        }

        // Miniblocks past the last value keep width 0 and, as the format says, take no bytes.
        output.Write(widths);
        Span<ulong> miniblock = stackalloc ulong[MiniblockSize];
        for (var m = 0; m < used; m++)
        {
            var part = offsets.Slice(m * MiniblockSize, Math.Min(MiniblockSize, offsets.Length - m * MiniblockSize));
            part.CopyTo(miniblock);
            miniblock[part.Length..].Clear();
            BitPack(miniblock, widths[m], output);
        }
    }

    /// <summary>Packs 32 values of <paramref name="width"/> bits each, least significant bit first: 4 × width bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BitPack(ReadOnlySpan<ulong> values, int width, PooledBufferWriter output)
    {
        if (width == 0)
        {
            return;
        }

        var bytes = MiniblockSize * width / 8;
        var span = output.GetSpan(bytes);
        var at = 0;
        ulong pending = 0;
        var pendingBits = 0;
        foreach (var value in values)
        {
            pending |= value << pendingBits;
            if (pendingBits + width >= 64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[at..], pending);
                at += 8;
                var taken = 64 - pendingBits;
                pending = taken == 64 ? 0 : value >> taken;
                pendingBits = pendingBits + width - 64;
            }
            else
            {
                pendingBits += width;
            }
        }

        // 32 × width bits is a whole number of bytes, so what is left is too.
        for (; pendingBits > 0; pendingBits -= 8)
        {
            span[at++] = (byte)pending;
            pending >>= 8;
        }

        output.Advance(bytes);
    }
}
