using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>
/// Packs eight scalar float columns that sit side by side in a tensor row (a folded <c>Concatenate</c> of feature
/// columns) in one pass: eight rows of the eight columns are loaded as vectors, transposed in registers, and stored as
/// eight tensor rows. One column at a time, each value is a store to another tensor row; this is the tabular job's
/// whole packing cost.
/// </summary>
internal sealed class FloatColumnGroupPacker : InputPacker
{
    /// <summary>How many columns one packer takes.</summary>
    public const int Width = 8;

    private readonly ValueGetter<float>[] _getters;
    private readonly int[] _columns;
    private readonly int _rowSize;
    private readonly int _offset;
    private float[] _tensor = [];

    public FloatColumnGroupPacker(DataViewRow row, DataViewSchema.Column[] columns, int rowSize, int offset)
    {
        _getters = columns.Select(c => row.GetGetter<float>(c)).ToArray();
        _columns = columns.Select(c => c.Index).ToArray();
        _rowSize = rowSize;
        _offset = offset;
    }

    public override void SetTarget(Array tensor) => _tensor = (float[])tensor;

    public override void Pack(int row)
    {
        for (var c = 0; c < Width; c++)
        {
            _getters[c](ref _tensor[(row * _rowSize) + _offset + c]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void PackBlock(RecordBatch block, int start, int row, int count)
    {
        if (count == 0)
        {
            return;
        }

        // Every index below stays inside these spans, checked once here rather than per value.
        var target = _tensor.AsSpan((row * _rowSize) + _offset, ((count - 1) * _rowSize) + Width);
        Span<float> first = block.Column<ScalarColumnBuffer<float>>(_columns[0]).Values.AsSpan(start, count);
        ref var c0 = ref MemoryMarshal.GetReference(first);
        ref var c1 = ref Source(block, 1, start, count);
        ref var c2 = ref Source(block, 2, start, count);
        ref var c3 = ref Source(block, 3, start, count);
        ref var c4 = ref Source(block, 4, start, count);
        ref var c5 = ref Source(block, 5, start, count);
        ref var c6 = ref Source(block, 6, start, count);
        ref var c7 = ref Source(block, 7, start, count);
        ref var t = ref MemoryMarshal.GetReference(target);
        var r = 0;
        if (Avx.IsSupported)
        {
            for (; r + 8 <= count; r += 8)
            {
                var i = (nuint)r;
                Transpose(
                    Vector256.LoadUnsafe(ref c0, i), Vector256.LoadUnsafe(ref c1, i), Vector256.LoadUnsafe(ref c2, i), Vector256.LoadUnsafe(ref c3, i),
                    Vector256.LoadUnsafe(ref c4, i), Vector256.LoadUnsafe(ref c5, i), Vector256.LoadUnsafe(ref c6, i), Vector256.LoadUnsafe(ref c7, i),
                    ref Unsafe.Add(ref t, r * _rowSize), _rowSize);
            }
        }

        for (; r < count; r++)
        {
            ref var destination = ref Unsafe.Add(ref t, r * _rowSize);
            destination = Unsafe.Add(ref c0, r);
            Unsafe.Add(ref destination, 1) = Unsafe.Add(ref c1, r);
            Unsafe.Add(ref destination, 2) = Unsafe.Add(ref c2, r);
            Unsafe.Add(ref destination, 3) = Unsafe.Add(ref c3, r);
            Unsafe.Add(ref destination, 4) = Unsafe.Add(ref c4, r);
            Unsafe.Add(ref destination, 5) = Unsafe.Add(ref c5, r);
            Unsafe.Add(ref destination, 6) = Unsafe.Add(ref c6, r);
            Unsafe.Add(ref destination, 7) = Unsafe.Add(ref c7, r);
        }
    }

    private ref float Source(RecordBatch block, int column, int start, int count) =>
        ref MemoryMarshal.GetReference(block.Column<ScalarColumnBuffer<float>>(_columns[column]).Values.AsSpan(start, count));

    /// <summary>
    /// Stores the 8×8 block whose columns are <paramref name="v0"/>…<paramref name="v7"/> (eight rows of each) as eight
    /// rows of eight floats, <paramref name="stride"/> floats apart from <paramref name="destination"/> on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(
        Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3,
        Vector256<float> v4, Vector256<float> v5, Vector256<float> v6, Vector256<float> v7,
        ref float destination, int stride)
    {
        var t0 = Avx.UnpackLow(v0, v1);
        var t1 = Avx.UnpackHigh(v0, v1);
        var t2 = Avx.UnpackLow(v2, v3);
        var t3 = Avx.UnpackHigh(v2, v3);
        var t4 = Avx.UnpackLow(v4, v5);
        var t5 = Avx.UnpackHigh(v4, v5);
        var t6 = Avx.UnpackLow(v6, v7);
        var t7 = Avx.UnpackHigh(v6, v7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        var s = (nuint)stride;
        Avx.Permute2x128(s0, s4, 0x20).StoreUnsafe(ref destination, 0);
        Avx.Permute2x128(s1, s5, 0x20).StoreUnsafe(ref destination, s);
        Avx.Permute2x128(s2, s6, 0x20).StoreUnsafe(ref destination, 2 * s);
        Avx.Permute2x128(s3, s7, 0x20).StoreUnsafe(ref destination, 3 * s);
        Avx.Permute2x128(s0, s4, 0x31).StoreUnsafe(ref destination, 4 * s);
        Avx.Permute2x128(s1, s5, 0x31).StoreUnsafe(ref destination, 5 * s);
        Avx.Permute2x128(s2, s6, 0x31).StoreUnsafe(ref destination, 6 * s);
        Avx.Permute2x128(s3, s7, 0x31).StoreUnsafe(ref destination, 7 * s);
    }
}
