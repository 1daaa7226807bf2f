using System.Runtime.CompilerServices;
using System.Text.Json;
using MlNetBatch.Data;
using MlNetBatch.Formats.Text;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.JsonLines;

/// <summary>Reads JSON Lines (one object per line) as byte-range partitions; arrays of numbers become vectors.</summary>
public sealed class JsonLinesFormat : IDataFormat
{
    /// <summary>The shared instance.</summary>
    public static JsonLinesFormat Instance { get; } = new();

    /// <inheritdoc />
    public DataFormatKind Kind => DataFormatKind.JsonLines;

    /// <inheritdoc />
    /// <remarks>
    /// Lines that are not JSON objects (invalid JSON, whitespace) are skipped, as they will be bad records; they count
    /// toward the sample. Each property's type follows <see cref="JsonColumnInference"/>.
    /// </remarks>
    public async Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var stream = await CompressedText.OpenAsync(store, file, cancellationToken).ConfigureAwait(false);
        using var lines = LineReader.Open(stream, 0, CompressedText.TextLength(file));
        var columns = new List<JsonColumnInference>();
        var sampled = 0;
        for (long row = 0; row < options.InferenceSampleRows && lines.TryReadLine(out var line);)
        {
            if (line.IsEmpty)
            {
                continue;
            }

            if (IsObject(line))
            {
                try
                {
                    InferLine(line, columns, row, lines.LineOffset, firstObject: sampled == 0);
                    sampled++;
                }
                catch (InvalidOperationException)
                {
                    // An invalid escape in a name or string (the reader checks them only when decoding): skipped
                    // like any unreadable line; reading makes it a bad record.
                }
            }

            row++;
        }

        if (sampled == 0)
        {
            throw new DataFormatException(file.Location.ToString(), "the file holds no JSON objects to infer a schema from; set the source's Columns.");
        }

        return columns.Select(c => c.Result()).ToList();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(CompressedText.IsCompressed(file.Location)
            ? [new PartitionSpan(PartitionKind.WholeFile, 0, long.MaxValue, RowCount: null)]
            : ByteRangePlanner.Plan(file.Size, options.PartitionBytes));

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partition = context.Partition;
        await using var stream = await CompressedText.OpenAsync(context.Store, partition.File, cancellationToken).ConfigureAwait(false);
        using var lines = LineReader.Open(stream, partition.Start, partition.Length);
        var decoder = new JsonLineDecoder(partition.File.Location.ToString(), context);
        long firstRow = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = context.Pool.Rent();
            batch.FirstRowInPartition = firstRow;
            var rows = decoder.Fill(lines, batch, firstRow);
            if (rows == 0)
            {
                context.Pool.Return(batch);
                yield break;
            }

            firstRow += rows;
            yield return batch;
        }
    }

    /// <summary>Whether <paramref name="line"/> is one well-formed JSON object, so that it can be sampled whole.</summary>
    private static bool IsObject(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void InferLine(ReadOnlySpan<byte> line, List<JsonColumnInference> columns, long row, long offset, bool firstObject)
    {
        var reader = new Utf8JsonReader(line);
        reader.Read();
        var seen = new HashSet<JsonColumnInference>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var column = columns.Find(c => c.Name == name);
            if (column is null)
            {
                column = new JsonColumnInference(name);
                if (!firstObject)
                {
                    // Objects sampled before this one lacked the property.
                    column.ObserveAbsent();
                }

                columns.Add(column);
            }

            seen.Add(column);
            column.Observe(ref reader, row, offset);
        }

        foreach (var column in columns.Where(c => !seen.Contains(c)))
        {
            column.ObserveAbsent();
        }
    }
}
