using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>A scalar column whose values Parquet stores as they are in memory: numbers and flags.</summary>
internal sealed class ValueColumnSink<T>(SinkColumn column) : ParquetColumnSink(column)
    where T : unmanaged
{
    // Where narrow integers are widened to int32 for Parquet; empty for other types.
    private int[] _wide = [];

    public override string[] LeafPath => [Column.Name];

    public override int FixedRowBytes => Unsafe.SizeOf<T>();

    /// <summary>No dictionary: scores rarely repeat, and flags, the one kind that does, Arrow bit-packs anyway.</summary>
    public override bool UseDictionary => false;

    /// <summary>
    /// Integers are delta-encoded: ids and labels differ little from row to row, so they cost a few bits each and
    /// leave the compressor almost nothing to do. Arrow, parquet-mr, Spark 3.3+, DuckDB and Parquet.Net decode it.
    /// </summary>
    public override ParquetSharp.Encoding? Encoding =>
        typeof(T) == typeof(int) || typeof(T) == typeof(long) || ParquetValues.IsNarrow<T>() ? ParquetSharp.Encoding.DeltaBinaryPacked : null;

    public override Node CreateNode() => ParquetNodes.Leaf(Column.Name, Column.Type);

    public override void Write(ColumnWriter writer, ColumnBuffer buffer, int start, int count) =>
        ParquetValues.Write<T>(writer, ((ScalarColumnBuffer<T>)buffer).Values.AsSpan(start, count), default, default, levels: -1, ref _wide);
}
