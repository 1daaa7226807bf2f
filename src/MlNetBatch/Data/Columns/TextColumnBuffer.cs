using Microsoft.ML.Data;

namespace MlNetBatch.Data.Columns;

/// <summary>
/// Values of a text column. Copied values live in a character arena per block, so that keeping a block's strings
/// costs no allocation per row.
/// </summary>
/// <remarks>
/// ML.NET treats text as immutable: its consolidating cursors, caches and <c>CreateEnumerable</c> keep the
/// <see cref="ReadOnlyMemory{T}"/> a getter handed out long after the cursor moved on. So an arena is never written
/// again once a value pointing into it may have left the buffer: every new block (and every rewrite of slot 0)
/// starts a fresh arena, and the old one lives exactly as long as somebody references its text.
/// </remarks>
public sealed class TextColumnBuffer : ColumnBuffer<ReadOnlyMemory<char>>
{
    private const int MinimumArena = 4096;
    private char[] _arena = [];
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

        StartNewArena();
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

    /// <summary>
    /// Leaves the current arena to the values already handed out. The next one is sized like the text the last
    /// block held, so a block usually needs one allocation.
    /// </summary>
    private void StartNewArena()
    {
        if (_arenaUsed > 0)
        {
            _arena = new char[Math.Max(MinimumArena, _arenaUsed)];
            _arenaUsed = 0;
        }
    }

    private Memory<char> Reserve(int row, int length)
    {
        if (row == 0)
        {
            StartNewArena();
        }

        if (_arenaUsed + length > _arena.Length)
        {
            // Earlier slots still point into the old arena, which stays alive through them; start a new one.
            _arena = new char[Math.Max(Math.Max(_arena.Length * 2, MinimumArena), length)];
            _arenaUsed = 0;
        }

        var memory = _arena.AsMemory(_arenaUsed, length);
        _arenaUsed += length;
        return memory;
    }
}
