using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Text;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.TextLines;

/// <summary>
/// Plain text (<c>.txt</c>, and <c>.txt.gz</c>/<c>.txt.zst</c>): one row per line, in one text column named
/// <see cref="ColumnName"/> (or the one text column the source declares), as Spark's <c>read.text</c>. Every line is a
/// row, blank ones included; line endings (LF or CRLF) are not part of the value. A line that is not valid UTF-8 is a
/// bad record, never a value with replacement characters in it.
/// </summary>
public sealed class TextLinesFormat : IDataFormat
{
    /// <summary>The column's name when the source declares none.</summary>
    public const string ColumnName = "text";

    /// <summary>The shared instance.</summary>
    public static TextLinesFormat Instance { get; } = new();

    /// <inheritdoc />
    public DataFormatKind Kind => DataFormatKind.Text;

    /// <inheritdoc />
    public Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SourceColumn>>([new SourceColumn(ColumnName, TextDataViewType.Instance)]);

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Columns is { Count: > 0 } declared
            && (declared.Count != 1 || !ColumnTypeNames.TryParse(declared.Values.First(), out var type) || type is not TextDataViewType))
        {
            throw new DataFormatException(file.Location.ToString(), $"a text file is one column of lines; declare at most one column, of type string (the source declares {string.Join(", ", declared.Select(c => $"{c.Key}: {c.Value}"))}).");
        }

        return Task.FromResult(CompressedText.IsCompressed(file.Location)
            ? [new PartitionSpan(PartitionKind.WholeFile, 0, long.MaxValue, RowCount: null)]
            : ByteRangePlanner.Plan(file.Size, options.PartitionBytes));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var partition = context.Partition;
        var file = partition.File.Location.ToString();
        await using var stream = await CompressedText.OpenAsync(context.Store, partition.File, cancellationToken).ConfigureAwait(false);
        using var lines = LineReader.Open(stream, partition.Start, partition.Length);
        long row = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = context.Pool.Rent();
            batch.FirstRowInPartition = row;
            var text = context.Active[0] ? batch.Column<TextColumnBuffer>(0) : null;
            var rows = 0;
            while (rows < context.Pool.Rows && lines.TryReadLine(out var line))
            {
                if (!Utf8.IsValid(line))
                {
                    Report(context, file, row, lines.LineOffset, line);
                    row++;
                    continue;
                }

                text?.SetUtf8(rows, line);
                rows++;
                row++;
            }

            if (rows == 0)
            {
                // Bad lines are skipped inside the loop, so a batch with no rows is the end of the range.
                context.Pool.Return(batch);
                yield break;
            }

            batch.RowCount = rows;
            yield return batch;
        }
    }

    private static void Report(PartitionReadContext context, string file, long row, long offset, ReadOnlySpan<byte> line)
    {
        const string reason = "the line is not valid UTF-8 text.";
        if (context.BadRecords is null)
        {
            throw new DataFormatException(file, $"the line at byte offset {offset} is not valid UTF-8 text.", row: row);
        }

        context.BadRecords.Report(new BadRecord(file, context.Partition.Id, row, offset, context.Columns[0].Name, reason, BadRecord.Clip(Encoding.UTF8.GetString(line))));
    }
}
