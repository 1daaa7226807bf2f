using System.Globalization;
using System.Text;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Sinks;

namespace MlNetBatch.Tests.Formats;

/// <summary>Writes <see cref="SemicolonFormat"/>: float columns, a vector's items joined with commas.</summary>
internal sealed class SemicolonBatchWriter(Stream stream, IReadOnlyList<SinkColumn> columns) : IRecordBatchWriter
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
    private bool _headerWritten;

    public static RecordBatchWriterRegistration Registration { get; } =
        new(SemicolonFormat.Name, (stream, columns, _) => new SemicolonBatchWriter(stream, columns));

    public async Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        await WriteHeaderAsync();
        for (var row = 0; row < batch.RowCount; row++)
        {
            await _writer.WriteLineAsync(string.Join(';', columns.Select(c => Value(batch.Columns[c.SourceIndex]!, row))));
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await WriteHeaderAsync();
        await _writer.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private async Task WriteHeaderAsync()
    {
        if (!_headerWritten)
        {
            await _writer.WriteLineAsync(string.Join(';', columns.Select(c => c.Name)));
            _headerWritten = true;
        }
    }

    private static string Value(ColumnBuffer buffer, int row)
    {
        switch (buffer)
        {
            case ColumnBuffer<float> scalar:
                var value = 0f;
                scalar.Get(row, ref value);
                return value.ToString("R", CultureInfo.InvariantCulture);
            case ColumnBuffer<VBuffer<float>> vector:
                var items = default(VBuffer<float>);
                vector.Get(row, ref items);
                return string.Join(',', items.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            default:
                throw new NotSupportedException($"The semicolon format writes floats, not {buffer.Type}.");
        }
    }
}
