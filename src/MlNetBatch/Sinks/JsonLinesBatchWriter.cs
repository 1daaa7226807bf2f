using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.ML.Data;
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
            case ScalarColumnBuffer<byte> b:
                _json.WriteNumberValue(b.Values[row]);
                break;
            case ScalarColumnBuffer<sbyte> b:
                _json.WriteNumberValue(b.Values[row]);
                break;
            case ScalarColumnBuffer<short> b:
                _json.WriteNumberValue(b.Values[row]);
                break;
            case VectorColumnBuffer<float> v:
                WriteArray<float>(v.Row(row));
                break;
            case VectorColumnBuffer<double> v:
                WriteArray<double>(v.Row(row));
                break;
            case VectorColumnBuffer<long> v:
                WriteArray<long>(v.Row(row));
                break;
            case VectorColumnBuffer<int> v:
                WriteArray<int>(v.Row(row));
                break;
            case VectorColumnBuffer<short> v:
                WriteArray<short>(v.Row(row));
                break;
            case VectorColumnBuffer<sbyte> v:
                WriteArray<sbyte>(v.Row(row));
                break;
            case VectorColumnBuffer<byte> v:
                WriteArray<byte>(v.Row(row));
                break;
            case VectorColumnBuffer<bool> v:
                WriteArray<bool>(v.Row(row));
                break;
            case VectorColumnBuffer<ReadOnlyMemory<char>> v:
                WriteArray<ReadOnlyMemory<char>>(v.Row(row));
                break;
            // Vectors of variable length (per-batch model outputs, token ids): an array of the row's own length.
            case VariableVectorColumnBuffer<float> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<double> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<long> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<int> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<short> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<sbyte> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<byte> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<bool> v:
                WriteVector(v.Values[row]);
                break;
            case VariableVectorColumnBuffer<ReadOnlyMemory<char>> v:
                WriteVector(v.Values[row]);
                break;
            default:
                throw new NotSupportedException($"Columns of type {buffer.Type} cannot be written to JSON Lines yet.");
        }
    }

    private void WriteArray<T>(ReadOnlySpan<T> items)
    {
        _json.WriteStartArray();
        foreach (var item in items)
        {
            WriteItem(item);
        }

        _json.WriteEndArray();
    }

    private void WriteVector<T>(in VBuffer<T> vector)
    {
        if (vector.IsDense)
        {
            WriteArray(vector.GetValues());
            return;
        }

        _json.WriteStartArray();
        foreach (var item in vector.DenseValues())
        {
            WriteItem(item);
        }

        _json.WriteEndArray();
    }

    /// <summary>One array item; the type tests fold away per instantiation, so nothing is boxed.</summary>
    private void WriteItem<T>(T item)
    {
        if (typeof(T) == typeof(float))
        {
            WriteNumber((float)(object)item!);
        }
        else if (typeof(T) == typeof(double))
        {
            WriteNumber((double)(object)item!);
        }
        else if (typeof(T) == typeof(long))
        {
            _json.WriteNumberValue((long)(object)item!);
        }
        else if (typeof(T) == typeof(int))
        {
            _json.WriteNumberValue((int)(object)item!);
        }
        else if (typeof(T) == typeof(short))
        {
            _json.WriteNumberValue((short)(object)item!);
        }
        else if (typeof(T) == typeof(sbyte))
        {
            _json.WriteNumberValue((sbyte)(object)item!);
        }
        else if (typeof(T) == typeof(byte))
        {
            _json.WriteNumberValue((byte)(object)item!);
        }
        else if (typeof(T) == typeof(bool))
        {
            _json.WriteBooleanValue((bool)(object)item!);
        }
        else
        {
            _json.WriteStringValue(((ReadOnlyMemory<char>)(object)item!).Span);
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
