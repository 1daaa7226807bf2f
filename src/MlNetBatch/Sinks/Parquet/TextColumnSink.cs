using MlNetBatch.Data.Columns;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>A text column, stored as UTF-8 strings.</summary>
internal sealed class TextColumnSink(SinkColumn column) : ParquetColumnSink(column)
{
    private readonly Utf8Arena _arena = new();
    // The column is declared optional (as Parquet.Net declares text), so every value needs a definition level: present.
    private short[] _present = [];

    public override string[] LeafPath => [Column.Name];

    public override int FixedRowBytes => 0;

    public override bool HasVariableRowBytes => true;

    /// <summary>
    /// Labels, categories and names repeat; Arrow falls back to plain pages by itself once a column chunk's dictionary
    /// passes its limit (1 MiB), so unique text costs only the attempt.
    /// </summary>
    public override bool UseDictionary => true;

    public override Node CreateNode() => ParquetNodes.Leaf(Column.Name, Column.Type);

    public override void Prepare(ColumnBuffer buffer, int rows)
    {
        var values = ((TextColumnBuffer)buffer).Values.AsSpan(0, rows);
        _arena.Reset(rows);
        foreach (var value in values)
        {
            _arena.Add(value.Span);
        }

        _arena.Seal();
        if (_present.Length < rows)
        {
            _present = new short[rows];
            _present.AsSpan().Fill(1);
        }
    }

    public override void AddRowBytes(Span<long> rowBytes)
    {
        for (var i = 0; i < rowBytes.Length; i++)
        {
            rowBytes[i] += _arena.Length(i);
        }
    }

    public override void Write(ColumnWriter writer, ColumnBuffer buffer, int start, int count) =>
        ((ColumnWriter<ByteArray>)writer).WriteBatch(count, _present.AsSpan(0, count), ReadOnlySpan<short>.Empty, _arena.Values(start, count));
}
