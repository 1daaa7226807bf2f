using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Sinks;
using Parquet;
using Parquet.Schema;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// Parquet.Net's writer over the same blocks, for comparison with the job's sink: each block one row group, as
/// MlNetBatch wrote with Parquet.Net before its sink moved to Apache Arrow's writer. Numbers and fixed vectors only.
/// </summary>
internal static class ParquetNetBlockWriter
{
    public static async Task WriteAsync(Stream stream, IReadOnlyList<SinkColumn> columns, IEnumerable<RecordBatch> batches)
    {
        var schema = new ParquetSchema(columns.Select(Field));
        var options = new ParquetOptions { DictionaryEncodingThreshold = 0 };
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, options);
        int[] levels = [];
        foreach (var batch in batches)
        {
            using var rowGroup = writer.CreateRowGroup();
            for (var c = 0; c < columns.Count; c++)
            {
                var leaf = schema.Fields[c] is ListField { Item: DataField item } ? item : (DataField)schema.Fields[c];
                var buffer = batch.Columns[columns[c].SourceIndex]!;
                var rows = batch.RowCount;
                switch (buffer)
                {
                    case ScalarColumnBuffer<float> b:
                        await rowGroup.WriteAsync<float>(leaf, b.Values.AsMemory(0, rows));
                        break;
                    case ScalarColumnBuffer<long> b:
                        await rowGroup.WriteAsync<long>(leaf, b.Values.AsMemory(0, rows));
                        break;
                    case ScalarColumnBuffer<int> b:
                        await rowGroup.WriteAsync<int>(leaf, b.Values.AsMemory(0, rows));
                        break;
                    case VectorColumnBuffer<float> v:
                    {
                        var (definitions, repetitions) = Levels(ref levels, leaf, rows, v.Size);
                        await rowGroup.WriteAllPartsAsync<float>(leaf, v.Values.AsMemory(0, rows * v.Size), definitions, repetitions, CancellationToken.None);
                        break;
                    }

                    case VectorColumnBuffer<long> v:
                    {
                        // A [batch] model output (the label) is a vector of one, as stock ML.NET types it.
                        var (definitions, repetitions) = Levels(ref levels, leaf, rows, v.Size);
                        await rowGroup.WriteAllPartsAsync<long>(leaf, v.Values.AsMemory(0, rows * v.Size), definitions, repetitions, CancellationToken.None);
                        break;
                    }

                    default:
                        throw new NotSupportedException($"The comparison writer does not take {buffer.Type}.");
                }
            }

            rowGroup.CompleteValidate();
        }
    }

    /// <summary>Definition and repetition levels of <paramref name="rows"/> lists of <paramref name="size"/> items each.</summary>
    private static (Memory<int> Definitions, Memory<int> Repetitions) Levels(ref int[] levels, DataField leaf, int rows, int size)
    {
        var count = rows * size;
        if (levels.Length < 2 * count)
        {
            levels = new int[2 * count];
        }

        var definitions = levels.AsMemory(0, count);
        var repetitions = levels.AsMemory(count, count);
        definitions.Span.Fill(leaf.MaxDefinitionLevel);
        repetitions.Span.Fill(leaf.MaxRepetitionLevel);
        for (var i = 0; i < count; i += size)
        {
            repetitions.Span[i] = 0;
        }

        return (definitions, repetitions);
    }

    private static Field Field(SinkColumn column) => column.Type is VectorDataViewType vector
        ? new ListField(column.Name, new DataField("element", vector.ItemType.RawType, isNullable: false))
        : new DataField(column.Name, column.Type.RawType, isNullable: false);
}
