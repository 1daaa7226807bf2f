using System.Runtime.InteropServices;
using ParquetSharp;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>
/// A batch's text encoded as UTF-8 into one pinned buffer and addressed as Arrow's <see cref="ByteArray"/> values,
/// which point into memory rather than carry it. The buffer is reused from batch to batch.
/// </summary>
internal sealed class Utf8Arena
{
    private byte[] _bytes = [];
    private int _used;
    private int[] _offsets = [];
    private ByteArray[] _values = [];
    private int _count;

    /// <summary>Empties the arena for a batch of up to <paramref name="capacity"/> values.</summary>
    public void Reset(int capacity)
    {
        if (_offsets.Length < capacity + 1)
        {
            _offsets = new int[capacity + 1];
            _values = new ByteArray[capacity];
        }

        if (_bytes.Length == 0)
        {
            // Never a null address, even when every value is empty.
            Grow(0);
        }

        _used = 0;
        _count = 0;
    }

    /// <summary>Appends one value.</summary>
    public void Add(ReadOnlySpan<char> text)
    {
        var room = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_bytes.Length - _used < room)
        {
            Grow(room);
        }

        _used += System.Text.Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_used));
        _offsets[++_count] = _used;
    }

    /// <summary>The UTF-8 length of value <paramref name="index"/>.</summary>
    public int Length(int index) => _offsets[index + 1] - _offsets[index];

    /// <summary>Points the values at the arena, once every value of the batch is in it (adding may move the buffer).</summary>
    public void Seal()
    {
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(_bytes, 0);
        for (var i = 0; i < _count; i++)
        {
            _values[i] = new ByteArray(address + _offsets[i], _offsets[i + 1] - _offsets[i]);
        }
    }

    /// <summary>The sealed values <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>.</summary>
    public ReadOnlySpan<ByteArray> Values(int start, int count) => _values.AsSpan(start, count);

    private void Grow(int room)
    {
        // Pinned, so the addresses handed to native code stay valid while Arrow copies the values; the pinned object
        // heap keeps such buffers out of the way of compaction.
        var bytes = GC.AllocateUninitializedArray<byte>(Math.Max(_bytes.Length * 2, Math.Max(_used + room, 64 * 1024)), pinned: true);
        _bytes.AsSpan(0, _used).CopyTo(bytes);
        _bytes = bytes;
    }
}
