using MlNetBatch.Data;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Reads a partition's row groups one at a time, each in chunks of rows: opens a reader per active column, fills a
/// pooled batch per chunk and sets aside the rows that cannot be read. Arrow's failures name the file, row group and column.
/// </summary>
internal sealed class RowGroupChunks(ParquetFile parquet, PartitionReadContext context, ParquetLeaf?[] leaves)
{
    private readonly ColumnChunkReader?[] _readers = new ColumnChunkReader?[leaves.Length];
    private readonly long[] _chunkBytes = new long[leaves.Length];
    private readonly ChunkScope _scope = new(parquet.Name, context.Partition.Id, context.BadRecords, context.Options.MissingValues, context.Statistics);
    private RowGroupReader? _rowGroup;

    /// <summary>Opens row group <paramref name="index"/> and returns its row count.</summary>
    public long Open(int index)
    {
        _scope.RowGroup = index;
        _scope.Column = "";
        try
        {
            _rowGroup = parquet.RowGroup(index);
            var metadata = _rowGroup.MetaData;
            var rows = metadata.NumRows;
            for (var c = 0; c < leaves.Length; c++)
            {
                if (leaves[c] is not { } leaf)
                {
                    continue;
                }

                _scope.Column = context.Columns[c].Name;
                using var chunk = metadata.GetColumnChunkMetaData(leaf.ColumnIndex);
                if (!leaf.IsList && chunk.NumValues != rows)
                {
                    // A flat column holds one value or null per row; any other count means a damaged footer.
                    throw _scope.Corrupt($"the column chunk holds {chunk.NumValues} values where its row group has {rows} rows");
                }

                _chunkBytes[c] = chunk.TotalCompressedSize;

                var column = _rowGroup.Column(leaf.ColumnIndex);
                try
                {
                    _readers[c] = ColumnChunkReader.Create(column, leaf, context.Columns[c].Type);
                }
                catch
                {
                    // Until a chunk reader owns it, the native column reader is ours to release.
                    column.Dispose();
                    throw;
                }
            }

            return rows;
        }
        catch (ParquetException e)
        {
            Close();
            parquet.Rethrow(e, message => _scope.Corrupt(message, cause: e));
            throw;
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <summary>Reads the next <paramref name="rows"/> rows of every active column into a batch from the pool.</summary>
    public RecordBatch Read(int rows, long firstRow)
    {
        var batch = context.Pool.Rent(rows);
        batch.FirstRowInPartition = firstRow;
        _scope.FirstRow = firstRow;
        try
        {
            for (var c = 0; c < _readers.Length; c++)
            {
                if (_readers[c] is { } reader)
                {
                    _scope.Column = context.Columns[c].Name;
                    parquet.ReadingColumn(c, _chunkBytes[c]);
                    reader.Read(batch.Columns[c]!, rows, _scope);
                }
            }

            batch.RowCount = rows;
            _scope.SetAsideBadRows(batch);
            return batch;
        }
        catch (ParquetException e)
        {
            context.Pool.Return(batch);
            parquet.Rethrow(e, message => _scope.Corrupt(message, cause: e));
            throw;
        }
        catch
        {
            context.Pool.Return(batch);
            throw;
        }
    }

    /// <summary>Releases the row group's readers.</summary>
    public void Close()
    {
        for (var c = 0; c < _readers.Length; c++)
        {
            _readers[c]?.Dispose();
            _readers[c] = null;
        }

        _rowGroup?.Dispose();
        _rowGroup = null;
    }
}
