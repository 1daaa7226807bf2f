using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats;
using MlNetBatch.Storage;

namespace MlNetBatch.Tests.Formats;

/// <summary>
/// A format the library does not know, defined here to show that a format is added by registering it: a header
/// (<c>id;f</c>), then one row of floats per line (<c>1;2.5</c>), each file one partition.
/// </summary>
internal sealed class SemicolonFormat : IDataFormat
{
    public static DataFormatKind Name { get; } = new("Semicolon");

    public static DataFormatRegistration Registration { get; } = new(new SemicolonFormat(), [".ssv"]);

    public DataFormatKind Kind => Name;

    public async Task<IReadOnlyList<SourceColumn>> InferSchemaAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken)
    {
        var lines = await ReadLinesAsync(store, file, cancellationToken);
        return lines[0].Split(';').Select(name => new SourceColumn(name, NumberDataViewType.Single)).ToList();
    }

    public Task<IReadOnlyList<PartitionSpan>> PlanAsync(IObjectStore store, ObjectInfo file, DataSourceOptions options, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PartitionSpan>>([new PartitionSpan(PartitionKind.WholeFile, 0, file.Size, RowCount: null)]);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(PartitionReadContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = await ReadLinesAsync(context.Store, context.Partition.File, cancellationToken);
        var header = lines[0].Split(';');
        var batch = context.Pool.Rent(lines.Count - 1);
        for (var c = 0; c < context.Columns.Count; c++)
        {
            if (!context.Active[c])
            {
                continue;
            }

            var field = Array.IndexOf(header, context.Columns[c].Name);
            var buffer = batch.Column<ColumnBuffer<float>>(c);
            for (var row = 1; row < lines.Count; row++)
            {
                buffer.Set(row - 1, float.Parse(lines[row].Split(';')[field], CultureInfo.InvariantCulture));
            }
        }

        batch.RowCount = lines.Count - 1;
        yield return batch;
    }

    private static async Task<List<string>> ReadLinesAsync(IObjectStore store, ObjectInfo file, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(file.Location, file, cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
