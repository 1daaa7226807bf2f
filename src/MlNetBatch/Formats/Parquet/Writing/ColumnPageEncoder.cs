using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Parquet.Pages;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// Encodes one column of a batch as the body of a data page (v1): repetition levels, definition levels, then values.
/// Numbers are copied or delta-encoded straight from the column buffer; nothing is allocated per row.
/// </summary>
internal sealed class ColumnPageEncoder(ParquetColumnLayout layout)
{
    // Every full batch has the same levels (no nulls, fixed list lengths), so they are encoded once and copied after.
    private byte[] _levels = [];
    private int _levelsRows = -1;

    public ParquetColumnLayout Layout => layout;

    /// <summary>Appends the page body for the first <paramref name="rows"/> rows of <paramref name="buffer"/>.</summary>
    public EncodedPage Encode(ColumnBuffer buffer, int rows, PooledBufferWriter body)
    {
        var valueCount = checked(rows * layout.ValuesPerRow);
        WriteLevels(rows, valueCount, body);
        var statistics = buffer switch
        {
            ScalarColumnBuffer<float> b => WritePlain<float>(b.Values.AsSpan(0, rows), body),
            ScalarColumnBuffer<double> b => WritePlain<double>(b.Values.AsSpan(0, rows), body),
            ScalarColumnBuffer<int> b => WriteDelta<int>(b.Values.AsSpan(0, rows), body),
            ScalarColumnBuffer<long> b => WriteDelta<long>(b.Values.AsSpan(0, rows), body),
            VectorColumnBuffer<float> v => WritePlain<float>(v.Values.AsSpan(0, valueCount), body),
            VectorColumnBuffer<double> v => WritePlain<double>(v.Values.AsSpan(0, valueCount), body),
            VectorColumnBuffer<int> v => WritePlain<int>(v.Values.AsSpan(0, valueCount), body),
            VectorColumnBuffer<long> v => WritePlain<long>(v.Values.AsSpan(0, valueCount), body),
            TextColumnBuffer t => WriteText(t.Values.AsSpan(0, rows), body),
            _ => throw new NotSupportedException($"Column '{layout.Column.Name}' of type {buffer.Type} has no direct Parquet encoding."),
        };
        return new EncodedPage(valueCount, layout.Encoding, statistics);
    }

    private void WriteLevels(int rows, int valueCount, PooledBufferWriter body)
    {
        if (rows == _levelsRows)
        {
            body.Write(_levels);
            return;
        }

        var start = body.Length;
        var leaf = layout.Leaf;
        if (leaf.MaxRepetitionLevel > 0)
        {
            LevelEncoder.WriteFixedListRepetitions(body, layout.ListSize, rows);
        }

        if (leaf.MaxDefinitionLevel > 0)
        {
            // Every value is present: nothing ML.NET hands over is null.
            LevelEncoder.WriteConstant(body, leaf.MaxDefinitionLevel, leaf.MaxDefinitionLevel, valueCount);
        }

        _levels = body.WrittenSpan[start..].ToArray();
        _levelsRows = rows;
    }

    private static ColumnStatistics WritePlain<T>(ReadOnlySpan<T> values, PooledBufferWriter body)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        // Plain encoding is little-endian, as this machine is (checked before this writer is chosen).
        body.Write(MemoryMarshal.AsBytes(values));
        return ColumnStatistics.Of(values);
    }

    private static ColumnStatistics WriteDelta<T>(ReadOnlySpan<T> values, PooledBufferWriter body)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        DeltaBinaryPackedEncoder.Encode(values, body);
        return ColumnStatistics.Of(values);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ColumnStatistics WriteText(ReadOnlySpan<ReadOnlyMemory<char>> values, PooledBufferWriter body)
    {
        long chars = 0;
        foreach (var value in values)
        {
            chars += value.Length;
        }

        // Each value: its UTF-8 length in four bytes, then the bytes.
        var span = body.GetSpan(checked((int)(4L * values.Length + Encoding.UTF8.GetMaxByteCount(checked((int)chars)))));
        var at = 0;
        foreach (var value in values)
        {
            var length = Encoding.UTF8.GetBytes(value.Span, span[(at + 4)..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], length);
            at += 4 + length;
        }

        body.Advance(at);
        return ColumnStatistics.None;
    }
}
