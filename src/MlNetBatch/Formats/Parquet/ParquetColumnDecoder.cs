using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Parquet.Pages;
using Parquet;
using Parquet.Schema;

namespace MlNetBatch.Formats.Parquet;

/// <summary>
/// Decodes one column chunk of a row group into a <see cref="ColumnBuffer"/>, converting numbers to the
/// column's type and turning Parquet nulls into ML.NET's missing values (NaN, empty text) or a clear error.
/// </summary>
internal static class ParquetColumnDecoder
{
    private delegate Task Decoder(
        Stream stream, ParquetRowGroupReader rowGroup, DataField field, SourceColumn column, ColumnBuffer target, string file, long firstRow,
        Action<int, string>? onBadValue, CancellationToken cancellationToken);

    // One compiled delegate per (file type, column type) pair: reflection once, not once per column chunk.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type File, Type Item), Decoder> Decoders = new();

    /// <summary>
    /// Decodes a column chunk. A value that cannot be represented (a null in an integer column) fails the read, or,
    /// when <paramref name="onBadValue"/> is given, is reported there with its row and the read goes on.
    /// </summary>
    public static Task DecodeAsync(
        Stream stream, ParquetRowGroupReader rowGroup, DataField field, SourceColumn column, ColumnBuffer target, string file, long firstRow,
        Action<int, string>? onBadValue, CancellationToken cancellationToken)
    {
        var targetItem = column.Type is VectorDataViewType vector ? vector.ItemType.RawType : column.Type.RawType;
        var decoder = Decoders.GetOrAdd((field.ClrType, targetItem), static types => typeof(ParquetColumnDecoder)
            .GetMethod(nameof(DecodeTypedAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(types.File, types.Item)
            .CreateDelegate<Decoder>());
        return decoder(stream, rowGroup, field, column, target, file, firstRow, onBadValue, cancellationToken);
    }

    private static async Task DecodeTypedAsync<TFile, TItem>(
        Stream stream, ParquetRowGroupReader rowGroup, DataField field, SourceColumn column, ColumnBuffer target, string file, long firstRow,
        Action<int, string>? onBadValue, CancellationToken cancellationToken)
        where TFile : struct
    {
        var rows = checked((int)rowGroup.RowCount);
        var valueCount = checked((int)(rowGroup.GetMetadata(field)?.MetaData?.NumValues ?? rows));
        if (field.MaxRepetitionLevel == 0 && valueCount != rows)
        {
            // A flat column holds one value or null per row; any other count means a damaged footer.
            throw new DataFormatException(file, $"the column chunk holds {valueCount} values where its row group has {rows} rows.", column.Name);
        }

        if (field.MaxDefinitionLevel == 0 && field.MaxRepetitionLevel == 0 && typeof(TFile) == typeof(TItem) && target is ScalarColumnBuffer<TFile> direct)
        {
            // Required scalars of the column's own type decode straight into the column buffer: no copy.
            var levels = ArrayPool<int>.Shared.Rent(Math.Max(2 * rows, 1));
            try
            {
                await ReadRawAsync(stream, rowGroup, field, direct.Values.AsMemory(0, rows), levels.AsMemory(0, rows), levels.AsMemory(rows, rows), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(levels);
            }

            return;
        }

        var values = ArrayPool<TFile>.Shared.Rent(Math.Max(valueCount, 1));
        var definitions = ArrayPool<int>.Shared.Rent(Math.Max(valueCount, 1));
        var repetitions = ArrayPool<int>.Shared.Rent(Math.Max(valueCount, 1));
        try
        {
            await ReadRawAsync(
                stream, rowGroup, field, values.AsMemory(0, valueCount), definitions.AsMemory(0, valueCount), repetitions.AsMemory(0, valueCount), cancellationToken).ConfigureAwait(false);
            var decoded = new DecodedColumn<TFile>(values, definitions, repetitions, valueCount, field.MaxDefinitionLevel, file, column.Name, firstRow, onBadValue);
            switch (target)
            {
                case VectorColumnBuffer<TItem> vectorBuffer:
                    if (field.MaxRepetitionLevel == 0)
                    {
                        throw new DataFormatException(file, $"the column holds single values, but the schema declares {ColumnTypeNames.Format(column.Type)}.", column.Name);
                    }

                    decoded.FillVectors(vectorBuffer, rows);
                    break;
                case TextColumnBuffer text when field.MaxRepetitionLevel == 0:
                    decoded.FillText(text, rows);
                    break;
                case ScalarColumnBuffer<TItem> scalar when field.MaxRepetitionLevel == 0:
                    decoded.FillScalars(scalar.Values, rows);
                    break;
                default:
                    throw new DataFormatException(file, $"the column holds lists, but the schema declares {ColumnTypeNames.Format(column.Type)}; declare it as a vector such as float[N].", column.Name);
            }
        }
        finally
        {
            ArrayPool<TFile>.Shared.Return(values, clearArray: System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<TFile>());
            ArrayPool<int>.Shared.Return(definitions);
            ArrayPool<int>.Shared.Return(repetitions);
        }
    }

    private static async Task ReadRawAsync<TFile>(
        Stream stream, ParquetRowGroupReader rowGroup, DataField field, Memory<TFile> values, Memory<int> definitions, Memory<int> repetitions,
        CancellationToken cancellationToken)
        where TFile : struct
    {
        if (!await PlainColumnChunkReader.TryReadAsync(stream, rowGroup.GetMetadata(field), field, values, definitions, cancellationToken).ConfigureAwait(false))
        {
            await rowGroup.ReadRawAsync(field, values, definitions, repetitions, cancellationToken).ConfigureAwait(false);
        }
    }

    private readonly struct DecodedColumn<TFile>(
        TFile[] values, int[] definitions, int[] repetitions, int count, int maxDefinition, string file, string column, long firstRow,
        Action<int, string>? onBadValue)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void FillScalars<TItem>(TItem[] target, int rows)
        {
            var next = 0;
            for (var row = 0; row < rows; row++)
            {
                // Required columns have no definition levels; the buffer then holds whatever the pool left in it.
                target[row] = maxDefinition == 0 || definitions[row] == maxDefinition
                    ? Convert<TItem>(values[next++], row)
                    : Missing<TItem>(row);
            }
        }

        public void FillText(TextColumnBuffer target, int rows)
        {
            var next = 0;
            for (var row = 0; row < rows; row++)
            {
                target.Values[row] = maxDefinition == 0 || definitions[row] == maxDefinition ? AsText(values[next++]) : ReadOnlyMemory<char>.Empty;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void FillVectors<TItem>(VectorColumnBuffer<TItem> target, int rows)
        {
            var size = target.Size;
            var row = -1;
            var itemsInRow = size;
            var next = 0;
            var destination = target.Values;
            for (var slot = 0; slot < count; slot++)
            {
                if (repetitions[slot] == 0)
                {
                    CheckLength(row, itemsInRow, size);
                    row++;
                    itemsInRow = 0;
                }

                if (definitions[slot] == maxDefinition)
                {
                    if (itemsInRow < size)
                    {
                        destination[(row * size) + itemsInRow] = Convert<TItem>(values[next], row);
                    }

                    next++;
                    itemsInRow++;
                }
                else if (definitions[slot] == maxDefinition - 1 && maxDefinition >= 3)
                {
                    // An element that is itself null: ML.NET has no null items, only NaN for floats.
                    if (itemsInRow < size)
                    {
                        destination[(row * size) + itemsInRow] = Missing<TItem>(row);
                    }

                    itemsInRow++;
                }
            }

            CheckLength(row, itemsInRow, size);
            if (row + 1 != rows)
            {
                throw new DataFormatException(file, $"the list column has {row + 1} rows where the row group has {rows}.", column);
            }
        }

        private void CheckLength(int row, int items, int size)
        {
            if (row >= 0 && items != size)
            {
                throw new DataFormatException(file,
                    $"the list holds {items} items but the column is a vector of {size}; every row of a vector column must hold the same number of items.",
                    column, firstRow + row);
            }
        }

        private TItem Missing<TItem>(int row)
        {
            if (typeof(TItem) == typeof(float))
            {
                return (TItem)(object)float.NaN;
            }

            if (typeof(TItem) == typeof(double))
            {
                return (TItem)(object)double.NaN;
            }

            var reason = $"null value in a {typeof(TItem).Name} column; only float and double columns can hold missing values (as NaN). Fill the nulls, or declare the column as float in the source's Columns.";
            if (onBadValue is null)
            {
                throw new DataFormatException(file, reason, column, firstRow + row);
            }

            onBadValue(row, reason);
            return default!;
        }

        private TItem Convert<TItem>(TFile value, int row)
        {
            if (typeof(TFile) == typeof(TItem))
            {
                return (TItem)(object)value!;
            }

            try
            {
                return NumericConversion.Convert<TFile, TItem>(value);
            }
            catch (Exception e) when (e is OverflowException or InvalidCastException or NotSupportedException)
            {
                throw new DataFormatException(file, $"cannot convert the value '{value}' ({typeof(TFile).Name}) to {typeof(TItem).Name}.", column, firstRow + row, e);
            }
        }

        private static ReadOnlyMemory<char> AsText(TFile value) => value switch
        {
            ReadOnlyMemory<char> memory => memory,
            string text => text.AsMemory(),
            null => ReadOnlyMemory<char>.Empty,
            _ => value.ToString().AsMemory(),
        };
    }
}
