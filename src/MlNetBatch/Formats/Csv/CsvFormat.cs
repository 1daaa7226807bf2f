using System.Runtime.CompilerServices;
using System.Text;
using MlNetBatch.Data;
using MlNetBatch.Formats.Text;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Csv;

/// <summary>
/// Reads CSV (or any single-byte separator) as byte-range partitions. Quoted fields are supported within a
/// line; a quoted field that spans lines is reported as an error, since it cannot be split safely.
/// </summary>
public sealed class CsvFormat : IDataFormat
{
    /// <summary>The shared instance.</summary>
    public static CsvFormat Instance { get; } = new();

    /// <inheritdoc />
    public DataFormatKind Kind => DataFormatKind.Csv;

    /// <inheritdoc />
    public async Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        using var lines = LineReader.Open(stream, 0, file.Size);
        var splitter = new CsvLineSplitter(Separator(options));
        var names = new List<string>();
        var inference = new List<TextTypeInference>();
        var sampled = 0;
        if (options.HasHeader)
        {
            if (!lines.TryReadLine(out var header) || !splitter.Split(header))
            {
                throw new DataFormatException(file.Location.ToString(), "the file is empty or its header line is malformed; a CSV source needs a header (or HasHeader = false and explicit Columns).");
            }

            for (var i = 0; i < splitter.Count; i++)
            {
                names.Add(Encoding.UTF8.GetString(splitter.Field(header, i)).Trim());
                inference.Add(new TextTypeInference());
            }
        }

        while (sampled < options.InferenceSampleRows && lines.TryReadLine(out var line))
        {
            if (line.IsEmpty || !splitter.Split(line))
            {
                continue;
            }

            for (var i = inference.Count; i < splitter.Count; i++)
            {
                names.Add($"Column{i}");
                inference.Add(new TextTypeInference());
            }

            for (var i = 0; i < splitter.Count; i++)
            {
                inference[i].Observe(splitter.Field(line, i));
            }

            sampled++;
        }

        return names.Select((name, i) => new SourceColumn(name, inference[i].Result)).ToList();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(ByteRangePlanner.Plan(file.Size, options.PartitionBytes));

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partition = context.Partition;
        var file = partition.File;
        await using var stream = await context.Store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        var reader = new CsvChunkReader(file.Location.ToString(), context, Separator(context.Options));
        reader.MapColumns(stream);
        using var lines = LineReader.Open(stream, partition.Start, partition.Length);
        long firstRow = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = context.Pool.Rent();
            batch.FirstRowInPartition = firstRow;
            var rows = reader.Fill(lines, batch, firstRow, skipHeader: partition.Start == 0 && context.Options.HasHeader);
            if (rows == 0)
            {
                context.Pool.Return(batch);
                yield break;
            }

            firstRow += rows;
            yield return batch;
        }
    }

    private static byte Separator(DataSourceOptions options) =>
        options.Separator <= 127 ? (byte)options.Separator : throw new MlNetBatchException($"The CSV separator '{options.Separator}' must be a single-byte (ASCII) character.");
}
