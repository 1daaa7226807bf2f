using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Parquet;
using Parquet;
using Parquet.Schema;

namespace MlNetBatch.Sinks;

/// <summary>Writes each batch as one Parquet row group; vectors become lists of fixed length.</summary>
internal sealed class ParquetBatchWriter(Stream stream, IReadOnlyList<SinkColumn> columns) : IRecordBatchWriter
{
    private readonly ParquetSchema _schema = new(columns.Select(c => ParquetTypeMapping.ToField(c.Name, c.Type)));
    private readonly ParquetOptions _options = CreateOptions(columns);
    private ParquetWriter? _writer;
    private int[] _levels = [];

    public async Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        if (batch.RowCount == 0)
        {
            return;
        }

        _writer ??= await CreateWriterAsync(cancellationToken).ConfigureAwait(false);
        using var rowGroup = _writer.CreateRowGroup();
        var fields = _schema.Fields;
        for (var c = 0; c < columns.Count; c++)
        {
            var buffer = batch.Columns[columns[c].SourceIndex]!;
            var leaf = ParquetTypeMapping.Leaf(fields[c])!;
            await WriteColumnAsync(rowGroup, leaf, buffer, batch.RowCount, cancellationToken).ConfigureAwait(false);
        }

        rowGroup.CompleteValidate();
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        // A file with no rows still gets a schema and footer, so readers see an empty table, not a broken file.
        _writer ??= await CreateWriterAsync(cancellationToken).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _writer = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<ParquetWriter> CreateWriterAsync(CancellationToken cancellationToken)
    {
        var writer = await ParquetWriter.CreateAsync(_schema, stream, _options, cancellationToken: cancellationToken).ConfigureAwait(false);
        writer.CustomMetadata = ParquetTypeMapping.VectorSizeMetadata(columns.Select(c => (c.Name, c.Type)));
        return writer;
    }

    private static ParquetOptions CreateOptions(IReadOnlyList<SinkColumn> columns)
    {
        var options = new ParquetOptions
        {
            // Scores are nearly all distinct: trying dictionary encoding on them costs time and saves nothing.
            DictionaryEncodingThreshold = 0,
        };
        foreach (var column in columns)
        {
            if (column.Type.RawType == typeof(int) || column.Type.RawType == typeof(long))
            {
                // Ids and labels: small differences between neighbours, so delta encoding makes them nearly free to
                // store and leaves the compressor almost nothing to do. Every current Parquet reader decodes it.
                options.ColumnEncodingHints[column.Name] = EncodingHint.DeltaBinaryPacked;
            }
        }

        return options;
    }

    private Task WriteColumnAsync(ParquetRowGroupWriter rowGroup, DataField leaf, ColumnBuffer buffer, int rows, CancellationToken cancellationToken) => buffer switch
    {
        TextColumnBuffer text => rowGroup.WriteAsync(leaf, text.Values.Take(rows).Select(v => v.ToString()).ToArray()),
        ScalarColumnBuffer<float> b => rowGroup.WriteAsync<float>(leaf, b.Values.AsMemory(0, rows), null, null, cancellationToken),
        ScalarColumnBuffer<double> b => rowGroup.WriteAsync<double>(leaf, b.Values.AsMemory(0, rows), null, null, cancellationToken),
        ScalarColumnBuffer<int> b => rowGroup.WriteAsync<int>(leaf, b.Values.AsMemory(0, rows), null, null, cancellationToken),
        ScalarColumnBuffer<long> b => rowGroup.WriteAsync<long>(leaf, b.Values.AsMemory(0, rows), null, null, cancellationToken),
        ScalarColumnBuffer<bool> b => rowGroup.WriteAsync<bool>(leaf, b.Values.AsMemory(0, rows), null, null, cancellationToken),
        ScalarColumnBuffer<DateTime> b => rowGroup.WriteAsync<DateTime>(leaf, b.Values.AsMemory(0, rows), null, null, cancellationToken),
        VectorColumnBuffer<float> v => WriteListAsync(rowGroup, leaf, v.Values, v.Size, rows, cancellationToken),
        VectorColumnBuffer<double> v => WriteListAsync(rowGroup, leaf, v.Values, v.Size, rows, cancellationToken),
        VectorColumnBuffer<long> v => WriteListAsync(rowGroup, leaf, v.Values, v.Size, rows, cancellationToken),
        VectorColumnBuffer<int> v => WriteListAsync(rowGroup, leaf, v.Values, v.Size, rows, cancellationToken),
        _ => throw new NotSupportedException($"Columns of type {buffer.Type} cannot be written to Parquet yet."),
    };

    private async Task WriteListAsync<T>(ParquetRowGroupWriter rowGroup, DataField leaf, T[] values, int size, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        var count = rows * size;
        if (_levels.Length < 2 * count)
        {
            _levels = new int[2 * count];
        }

        // Every item is present (definition at its maximum); a new list starts every `size` items (repetition 0).
        var definitions = _levels.AsMemory(0, count);
        var repetitions = _levels.AsMemory(count, count);
        definitions.Span.Fill(leaf.MaxDefinitionLevel);
        var repetitionSpan = repetitions.Span;
        repetitionSpan.Fill(leaf.MaxRepetitionLevel);
        for (var i = 0; i < count; i += size)
        {
            repetitionSpan[i] = 0;
        }

        await rowGroup.WriteAllPartsAsync<T>(leaf, values.AsMemory(0, count), definitions, repetitions, cancellationToken).ConfigureAwait(false);
    }
}
