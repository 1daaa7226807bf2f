using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.ML.Data;
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
    public async Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        using var lines = LineReader.Open(stream, 0, file.Size);
        var columns = new List<(string Name, DataViewType? Type)>();
        var sampled = 0;
        while (sampled < options.InferenceSampleRows && lines.TryReadLine(out var line))
        {
            if (line.IsEmpty)
            {
                continue;
            }

            InferLine(line, columns, file.Location.ToString(), sampled);
            sampled++;
        }

        if (sampled == 0)
        {
            throw new DataFormatException(file.Location.ToString(), "the file holds no JSON objects to infer a schema from; set the source's Columns.");
        }

        return columns.Select(c => new SourceColumn(c.Name, c.Type ?? NumberDataViewType.Single)).ToList();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(ByteRangePlanner.Plan(file.Size, options.PartitionBytes));

    /// <inheritdoc />
    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partition = context.Partition;
        await using var stream = await context.Store.OpenReadAsync(partition.File.Location, partition.File, cancellationToken).ConfigureAwait(false);
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

    private static void InferLine(ReadOnlySpan<byte> line, List<(string Name, DataViewType? Type)> columns, string file, int row)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new DataFormatException(file, "a line is not a JSON object.", row: row);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var type = InferValue(ref reader);
                var index = columns.FindIndex(c => c.Name == name);
                if (index < 0)
                {
                    columns.Add((name, type));
                }
                else if (columns[index].Type is null || (columns[index].Type == NumberDataViewType.Int64 && type == NumberDataViewType.Single))
                {
                    columns[index] = (name, type ?? columns[index].Type);
                }
            }
        }
        catch (JsonException e)
        {
            throw new DataFormatException(file, $"invalid JSON ({e.Message}).", row: row, innerException: e);
        }
    }

    private static DataViewType? InferValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt64(out _) ? NumberDataViewType.Int64 : NumberDataViewType.Single;
            case JsonTokenType.True or JsonTokenType.False:
                return BooleanDataViewType.Instance;
            case JsonTokenType.String:
                return TextDataViewType.Instance;
            case JsonTokenType.StartArray:
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    count++;
                }

                return count > 0 ? new VectorDataViewType(NumberDataViewType.Single, count) : null;
            case JsonTokenType.StartObject:
                reader.Skip();
                return TextDataViewType.Instance;
            default:
                return null;
        }
    }
}
