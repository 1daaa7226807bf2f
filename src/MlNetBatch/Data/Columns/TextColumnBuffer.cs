using Microsoft.ML.Data;

namespace MlNetBatch.Data.Columns;

/// <summary>
/// Values of a text column. Copied values live in one growing character arena per block, so that
/// keeping a block's strings costs no allocation per row.
/// </summary>
public sealed class TextColumnBuffer : ColumnBuffer<ReadOnlyMemory<char>>
{
    private char[] _arena = new char[4096];
    private int _arenaUsed;

    /// <summary>Creates the buffer.</summary>
    public TextColumnBuffer(DataViewType type, int capacity)
    {
        Values = new ReadOnlyMemory<char>[capacity];
    }

    /// <inheritdoc />
    public override DataViewType Type => TextDataViewType.Instance;

    /// <summary>The values, one per row.</summary>
    public ReadOnlyMemory<char>[] Values { get; private set; }

    /// <inheritdoc />
    public override void EnsureCapacity(int rows)
    {
        if (Values.Length < rows)
        {
            Values = new ReadOnlyMemory<char>[rows];
        }

        // Slot 0 is written first in every block, so the arena can be reused from the start.
        _arenaUsed = 0;
    }

    /// <inheritdoc />
    public override void Get(int row, ref ReadOnlyMemory<char> value) => value = Values[row];

    /// <inheritdoc />
    public override void CopyRows(ColumnBuffer source, int sourceStart, int destinationStart, int count)
    {
        if (ReferenceEquals(source, this))
        {
            // Moving rows within the block: the text stays where it is in the arena; only the references move.
            Array.Copy(Values, sourceStart, Values, destinationStart, count);
            return;
        }

        base.CopyRows(source, sourceStart, destinationStart, count);
    }

    /// <inheritdoc />
    public override void Set(int row, in ReadOnlyMemory<char> value)
    {
        var destination = Reserve(row, value.Length);
        value.Span.CopyTo(destination.Span);
        Values[row] = destination;
    }

    /// <summary>Decodes UTF-8 text into slot <paramref name="row"/>.</summary>
    public void SetUtf8(int row, ReadOnlySpan<byte> utf8)
    {
        var destination = Reserve(row, System.Text.Encoding.UTF8.GetMaxCharCount(utf8.Length));
        var written = System.Text.Encoding.UTF8.GetChars(utf8, _arena.AsSpan(_arenaUsed - destination.Length, destination.Length));
        // Give back what the worst-case estimate reserved but the text did not use.
        _arenaUsed -= destination.Length - written;
        Values[row] = destination[..written];
    }

    private Memory<char> Reserve(int row, int length)
    {
        if (row == 0)
        {
            _arenaUsed = 0;
        }

        if (_arenaUsed + length > _arena.Length)
        {
            // Earlier slots still point into the old arena, which stays alive through them; start a new one.
            _arena = new char[Math.Max(_arena.Length * 2, length)];
            _arenaUsed = 0;
        }

        var memory = _arena.AsMemory(_arenaUsed, length);
        _arenaUsed += length;
        return memory;
    }
}
