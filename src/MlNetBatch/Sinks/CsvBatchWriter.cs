using System.Buffers;
using System.Globalization;
using System.Text;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using Microsoft.ML.Data;

namespace MlNetBatch.Sinks;

/// <summary>Writes CSV with a header; a vector column becomes one column per item (<c>name.0</c>, <c>name.1</c>…).</summary>
internal sealed class CsvBatchWriter(Stream stream, IReadOnlyList<SinkColumn> columns) : IRecordBatchWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private bool _headerWritten;

    public async Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        WriteHeaderOnce();
        for (var row = 0; row < batch.RowCount; row++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (c > 0)
                {
                    Append(","u8);
                }

                WriteValue(batch.Columns[columns[c].SourceIndex]!, row);
            }

            Append("\n"u8);
            if (_buffer.WrittenCount > (1 << 16) - 4096)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        WriteHeaderOnce();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void WriteHeaderOnce()
    {
        if (_headerWritten)
        {
            return;
        }

        _headerWritten = true;
        var names = new List<string>();
        foreach (var column in columns)
        {
            if (column.Type is VectorDataViewType { IsKnownSize: false } varying)
            {
                // A header fixes the number of CSV columns; rows of varying length have no place in it.
                throw new MlNetBatchException(
                    $"Output column '{column.Name}' is a vector of variable length ({ColumnTypeNames.Format(varying)}), which CSV cannot hold; write Parquet or JSON Lines, or leave the column out of the sink's Columns.");
            }

            if (column.Type is VectorDataViewType { IsKnownSize: true } vector)
            {
                names.AddRange(Enumerable.Range(0, vector.Size).Select(i => $"{column.Name}.{i}"));
            }
            else
            {
                names.Add(column.Name);
            }
        }

        Append(Encoding.UTF8.GetBytes(string.Join(',', names.Select(Quote)) + "\n"));
    }

    private void WriteValue(ColumnBuffer buffer, int row)
    {
        switch (buffer)
        {
            case TextColumnBuffer text:
                AppendText(text.Values[row].Span);
                break;
            case ScalarColumnBuffer<float> b:
                AppendFormatted(b.Values[row]);
                break;
            case ScalarColumnBuffer<double> b:
                AppendFormatted(b.Values[row]);
                break;
            case ScalarColumnBuffer<int> b:
                AppendFormatted(b.Values[row]);
                break;
            case ScalarColumnBuffer<long> b:
                AppendFormatted(b.Values[row]);
                break;
            case ScalarColumnBuffer<bool> b:
                Append(b.Values[row] ? "true"u8 : "false"u8);
                break;
            case VectorColumnBuffer<float> v:
                AppendItems<float>(v.Row(row));
                break;
            case VectorColumnBuffer<double> v:
                AppendItems<double>(v.Row(row));
                break;
            case VectorColumnBuffer<long> v:
                AppendItems<long>(v.Row(row));
                break;
            case VectorColumnBuffer<int> v:
                AppendItems<int>(v.Row(row));
                break;
            default:
                throw new NotSupportedException($"Columns of type {buffer.Type} cannot be written to CSV yet.");
        }
    }

    private void AppendItems<T>(ReadOnlySpan<T> items)
        where T : IUtf8SpanFormattable
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0)
            {
                Append(","u8);
            }

            AppendFormatted(items[i]);
        }
    }

    private void AppendFormatted<T>(T value)
        where T : IUtf8SpanFormattable
    {
        var span = _buffer.GetSpan(64);
        // "R"-equivalent shortest round-trip formatting is the default for float and double.
        if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"Could not format {value}.");
        }

        _buffer.Advance(written);
    }

    private void AppendText(ReadOnlySpan<char> text)
    {
        var needsQuotes = text.IndexOfAny(",\"\n\r") >= 0;
        if (!needsQuotes)
        {
            var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            _buffer.Advance(Encoding.UTF8.GetBytes(text, span));
            return;
        }

        Append(Encoding.UTF8.GetBytes(Quote(text.ToString())));
    }

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private void Append(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
    }
}
