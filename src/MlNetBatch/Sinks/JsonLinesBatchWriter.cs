using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Sinks;

/// <summary>Writes one JSON object per row; vectors become arrays, missing floats become <c>null</c>.</summary>
internal sealed class JsonLinesBatchWriter : IRecordBatchWriter
{
    private readonly Stream _stream;
    private readonly IReadOnlyList<SinkColumn> _columns;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText[] _names;

    public JsonLinesBatchWriter(Stream stream, IReadOnlyList<SinkColumn> columns)
    {
        _stream = stream;
        _columns = columns;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        _names = columns.Select(c => JsonEncodedText.Encode(c.Name)).ToArray();
    }

    public async Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        for (var row = 0; row < batch.RowCount; row++)
        {
            _json.WriteStartObject();
            for (var c = 0; c < _columns.Count; c++)
            {
                _json.WritePropertyName(_names[c]);
                WriteValue(batch.Columns[_columns[c].SourceIndex]!, row);
            }

            _json.WriteEndObject();
            _json.Flush();
            _buffer.Write("\n"u8);
            // The writer must not carry state from one line to the next.
            _json.Reset(_buffer);
            if (_buffer.WrittenCount > (1 << 16) - 4096)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task CompleteAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await _json.DisposeAsync().ConfigureAwait(false);

    private void WriteValue(ColumnBuffer buffer, int row)
    {
        switch (buffer)
        {
            case TextColumnBuffer text:
                _json.WriteStringValue(text.Values[row].Span);
                break;
            case ScalarColumnBuffer<float> b:
                WriteNumber(b.Values[row]);
                break;
            case ScalarColumnBuffer<double> b:
                WriteNumber(b.Values[row]);
                break;
            case ScalarColumnBuffer<int> b:
                _json.WriteNumberValue(b.Values[row]);
                break;
            case ScalarColumnBuffer<long> b:
                _json.WriteNumberValue(b.Values[row]);
                break;
            case ScalarColumnBuffer<bool> b:
                _json.WriteBooleanValue(b.Values[row]);
                break;
            case VectorColumnBuffer<float> v:
                _json.WriteStartArray();
                foreach (var item in v.Row(row))
                {
                    WriteNumber(item);
                }

                _json.WriteEndArray();
                break;
            case VectorColumnBuffer<double> v:
                _json.WriteStartArray();
                foreach (var item in v.Row(row))
                {
                    WriteNumber(item);
                }

                _json.WriteEndArray();
                break;
            case VectorColumnBuffer<long> v:
                _json.WriteStartArray();
                foreach (var item in v.Row(row))
                {
                    _json.WriteNumberValue(item);
                }

                _json.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"Columns of type {buffer.Type} cannot be written to JSON Lines yet.");
        }
    }

    private void WriteNumber(double value)
    {
        if (double.IsFinite(value))
        {
            _json.WriteNumberValue(value);
        }
        else
        {
            _json.WriteNullValue();
        }
    }

    private void WriteNumber(float value)
    {
        if (float.IsFinite(value))
        {
            _json.WriteNumberValue(value);
        }
        else
        {
            _json.WriteNullValue();
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
    }
}
