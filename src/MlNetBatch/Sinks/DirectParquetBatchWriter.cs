using System.Buffers.Binary;
using MlNetBatch.Data;
using MlNetBatch.Formats.Parquet;
using MlNetBatch.Formats.Parquet.Writing;
using Parquet.Schema;
using Snappier;

namespace MlNetBatch.Sinks;

/// <summary>
/// Writes Parquet itself for the columns scoring produces (numbers, fixed-length vectors, text): each batch becomes a
/// row group of one page per column, encoded straight from the column buffers and Snappy-compressed where that helps.
/// </summary>
/// <remarks>
/// Parquet.Net spends most of a write on general machinery this output never needs: levels encoded value by value,
/// statistics over boxed values, memory streams per page. Here that was more processor time than reading and scoring
/// together. The schema, encodings and statistics are those Parquet.Net writes for the same columns; columns of other
/// types (booleans, dates, variable-length vectors) go to <see cref="ParquetBatchWriter"/>.
/// </remarks>
internal sealed class DirectParquetBatchWriter : IRecordBatchWriter
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private static readonly string CreatedBy = $"MlNetBatch version {typeof(DirectParquetBatchWriter).Assembly.GetName().Version}";

    private readonly Stream _stream;
    private readonly ColumnPageEncoder[] _encoders;
    private readonly List<WrittenRowGroup> _rowGroups = [];
    private readonly PooledBufferWriter _body = new(64 * 1024);
    private readonly PooledBufferWriter _compressed = new(64 * 1024);
    private readonly PooledBufferWriter _header = new(256);
    private long _position;
    private bool _completed;
    private bool _faulted;

    private DirectParquetBatchWriter(Stream stream, IReadOnlyList<ParquetColumnLayout> layouts)
    {
        _stream = stream;
        _encoders = layouts.Select(l => new ColumnPageEncoder(l)).ToArray();
    }

    /// <summary>A writer for <paramref name="columns"/>, or null when some column needs Parquet.Net.</summary>
    public static DirectParquetBatchWriter? TryCreate(Stream stream, IReadOnlyList<SinkColumn> columns)
    {
        // Plain encoding is little-endian; so is every machine .NET runs this on, but say so rather than assume.
        if (!BitConverter.IsLittleEndian || columns.Count == 0)
        {
            return null;
        }

        var schema = new ParquetSchema(columns.Select(c => ParquetTypeMapping.ToField(c.Name, c.Type)));
        var layouts = new List<ParquetColumnLayout>(columns.Count);
        for (var c = 0; c < columns.Count; c++)
        {
            if (ParquetColumnLayout.TryCreate(columns[c], schema.Fields[c]) is not { } layout)
            {
                return null;
            }

            layouts.Add(layout);
        }

        return new DirectParquetBatchWriter(stream, layouts);
    }

    public async Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        if (batch.RowCount == 0)
        {
            return;
        }

        await StartAsync(cancellationToken).ConfigureAwait(false);
        var chunks = new WrittenColumnChunk[_encoders.Length];
        // A write that fails part-way leaves bytes the footer cannot account for: the file may not be completed after it.
        _faulted = true;
        for (var c = 0; c < _encoders.Length; c++)
        {
            var encoder = _encoders[c];
            _body.Clear();
            var page = encoder.Encode(batch.Columns[encoder.Layout.Column.SourceIndex]!, batch.RowCount, _body);
            var (codec, stored) = Compress(_body.WrittenMemory);
            _header.Clear();
            ParquetMetadataWriter.WriteDataPageHeader(_header, page, _body.Length, stored.Length);
            await _stream.WriteAsync(_header.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(stored, cancellationToken).ConfigureAwait(false);
            chunks[c] = new WrittenColumnChunk(
                _position, codec, page.ValueCount, _header.Length + _body.Length, _header.Length + stored.Length, page.Encoding, page.Statistics);
            _position += _header.Length + stored.Length;
        }

        _rowGroups.Add(new WrittenRowGroup(batch.RowCount, chunks));
        _faulted = false;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        // A file with no rows still gets a schema and footer, so readers see an empty table, not a broken file.
        await StartAsync(cancellationToken).ConfigureAwait(false);
        _header.Clear();
        ParquetMetadataWriter.WriteFooter(_header, _encoders.Select(e => e.Layout).ToList(), _rowGroups, CreatedBy);
        var footerLength = _header.Length;
        BinaryPrimitives.WriteInt32LittleEndian(_header.GetSpan(4), footerLength);
        _header.Advance(4);
        _header.Write(Magic);
        await _stream.WriteAsync(_header.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _position += _header.Length;
        _completed = true;
    }

    public ValueTask DisposeAsync()
    {
        _body.Dispose();
        _compressed.Dispose();
        _header.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        if (_completed || _faulted)
        {
            throw new InvalidOperationException(_completed ? "The Parquet file is already complete." : "An earlier write to this Parquet file failed part-way.");
        }

        if (_position == 0)
        {
            await _stream.WriteAsync(Magic, cancellationToken).ConfigureAwait(false);
            _position = Magic.Length;
        }
    }

    /// <summary>
    /// Snappy, unless it does not make the page smaller: scores are close to random bits, and storing them as they
    /// are spares every reader the decompression too.
    /// </summary>
    private (CompressionCodec Codec, ReadOnlyMemory<byte> Stored) Compress(ReadOnlyMemory<byte> body)
    {
        _compressed.Clear();
        var written = Snappy.Compress(body.Span, _compressed.GetSpan(Snappy.GetMaxCompressedLength(body.Length)));
        if (written >= body.Length)
        {
            return (CompressionCodec.Uncompressed, body);
        }

        _compressed.Advance(written);
        return (CompressionCodec.Snappy, _compressed.WrittenMemory);
    }
}
