using System.Runtime.CompilerServices;
using MlNetBatch.Data.Columns;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>A vector column of known size, stored as a list of that many items in every row.</summary>
internal sealed class FixedListColumnSink<T>(SinkColumn column, int size) : ParquetColumnSink(column)
    where T : unmanaged
{
    // Every full slice has the same levels (no nulls, one length), so they are made once and reused.
    private short[] _definitions = [];
    private short[] _repetitions = [];
    private int[] _wide = [];

    public override string[] LeafPath => [Column.Name, ParquetNodes.ListGroupName, ParquetNodes.ElementName];

    public override int FixedRowBytes => size * Unsafe.SizeOf<T>();

    /// <summary>Vectors are model outputs and features: probabilities, embeddings, nearly all distinct.</summary>
    public override bool UseDictionary => false;

    public override Node CreateNode() => ParquetNodes.List(Column.Name, ((Microsoft.ML.Data.VectorDataViewType)Column.Type).ItemType);

    public override void Write(ColumnWriter writer, ColumnBuffer buffer, int start, int count)
    {
        var items = checked(count * size);
        if (_definitions.Length < items)
        {
            _definitions = new short[items];
            // Each item is present: an optional list (1), a repeated group (2), a required element (no level).
            _definitions.AsSpan().Fill(2);
            _repetitions = new short[items];
            // A new list starts at every row (0); the other items continue it (1).
            _repetitions.AsSpan().Fill(1);
            for (var i = 0; i < items; i += size)
            {
                _repetitions[i] = 0;
            }
        }

        var values = ((VectorColumnBuffer<T>)buffer).Values.AsSpan(start * size, items);
        ParquetValues.Write<T>(writer, values, _definitions.AsSpan(0, items), _repetitions.AsSpan(0, items), items, ref _wide);
    }
}
