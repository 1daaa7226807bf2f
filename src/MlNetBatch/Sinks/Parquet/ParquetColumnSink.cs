using MlNetBatch.Data.Columns;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>Hands one output column to Arrow's column writer, a slice of a batch at a time, as physical values.</summary>
/// <remarks>
/// The physical writers take spans and levels straight from the column buffers; Arrow's logical writers would box
/// or copy every vector and string into a new array per row.
/// </remarks>
internal abstract class ParquetColumnSink(SinkColumn column)
{
    /// <summary>The column written.</summary>
    public SinkColumn Column => column;

    /// <summary>The path of the leaf that holds the values, from the root, as the footer names it.</summary>
    public abstract string[] LeafPath { get; }

    /// <summary>
    /// The bytes each row counts toward <see cref="ParquetSinkOptions.RowGroupBytes"/>; for columns whose rows differ
    /// in size, the part that does not vary (see <see cref="AddRowBytes"/>).
    /// </summary>
    public abstract int FixedRowBytes { get; }

    /// <summary>Whether rows differ in size (text, variable-length vectors).</summary>
    public virtual bool HasVariableRowBytes => false;

    /// <summary>
    /// Whether Arrow should try a dictionary for this column. It pays for repeated values (labels, categories) and
    /// costs much for nearly unique ones (scores: about 1 M rows/s instead of 25 M).
    /// </summary>
    public abstract bool UseDictionary { get; }

    /// <summary>The value encoding when there is no dictionary; null for Arrow's default (plain).</summary>
    public virtual ParquetSharp.Encoding? Encoding => null;

    /// <summary>Creates the top-level schema node for the column; the caller disposes it.</summary>
    public abstract Node CreateNode();

    /// <summary>Readies the batch's first <paramref name="rows"/> rows (encodes text, flattens lists) before slices of it are written.</summary>
    public virtual void Prepare(ColumnBuffer buffer, int rows)
    {
    }

    /// <summary>Adds each prepared row's variable size to <paramref name="rowBytes"/>.</summary>
    public virtual void AddRowBytes(Span<long> rowBytes)
    {
    }

    /// <summary>Writes rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of the prepared batch.</summary>
    public abstract void Write(ColumnWriter writer, ColumnBuffer buffer, int start, int count);
}
