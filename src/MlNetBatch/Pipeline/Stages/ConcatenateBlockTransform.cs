using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Scoring;

namespace MlNetBatch.Pipeline.Stages;

/// <summary>
/// ML.NET's <c>Concatenate</c> on whole blocks: scalar and fixed-size vector columns of one numeric or boolean type
/// become one fixed-size vector, in the order listed, with the values ML.NET gives. Other inputs (text, keys,
/// variable-size vectors) are left to the stock transform on the row path. When the vector only feeds a model input,
/// the stage folds into it (<see cref="ICanFoldIntoModelInput"/>): the scorer packs the columns straight into the
/// input tensor, with the same values and no vector built per row.
/// </summary>
public sealed class ConcatenateBlockTransform : ICanFoldIntoModelInput
{
    private readonly string _output;
    private readonly string[] _inputs;

    /// <summary>Creates the transform.</summary>
    public ConcatenateBlockTransform(string outputColumnName, IReadOnlyList<string> inputColumnNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentNullException.ThrowIfNull(inputColumnNames);
        if (inputColumnNames.Count == 0)
        {
            throw new BlockTransformException($"Concatenate into '{outputColumnName}' needs at least one input column.");
        }

        _output = outputColumnName;
        _inputs = [.. inputColumnNames];
    }

    /// <inheritdoc />
    public string Name => "Concatenate";

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => _inputs;

    /// <inheritdoc />
    public string OutputColumn => _output;

    /// <inheritdoc />
    public bool TryFoldInto(ScoreOnnxOptions model, string input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        // An input that already concatenates columns has no single column this vector could replace.
        if (model.ConcatenatedInputs.ContainsKey(input))
        {
            return false;
        }

        // The scorer's concatenated input packs the columns in this order, as this stage would place them.
        model.InputColumns.Remove(input);
        model.ConcatenatedInputs[input] = [.. _inputs];
        return true;
    }

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        DataViewType? itemType = null;
        var size = 0;
        foreach (var name in _inputs)
        {
            var column = inputSchema.GetColumnOrNull(name)
                ?? throw new BlockTransformException($"Concatenate into '{_output}': input column '{name}' does not exist; the data has {string.Join(", ", inputSchema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
            var (item, width) = column.Type switch
            {
                VectorDataViewType { IsKnownSize: true } vector => (vector.ItemType, vector.Size),
                VectorDataViewType => throw new BlockPathNotSupportedException($"column '{name}' is a vector of variable size"),
                _ => (column.Type, 1),
            };
            if (item is TextDataViewType or KeyDataViewType || item is not (NumberDataViewType or BooleanDataViewType))
            {
                throw new BlockPathNotSupportedException($"column '{name}' holds {item}, which only the stock transform joins");
            }

            if (itemType is not null && !itemType.Equals(item))
            {
                throw new BlockTransformException($"Concatenate into '{_output}': column '{name}' holds {item}, but the columns before it hold {itemType}; convert it first (ConvertType).");
            }

            itemType = item;
            size += width;
        }

        return [new BlockOutputColumn(_output, new VectorDataViewType((PrimitiveDataViewType)itemType!, size))];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        var output = schema[_output];
        var itemType = ((VectorDataViewType)output.Type).ItemType.RawType;
        // The output column is the last of that name; inputs are looked up among the columns before it.
        var inputs = _inputs.Select(name => Visible(schema, name, output.Index)).ToArray();
        return GenericActivator.Create<IBlockMapper>(typeof(Mapper<>), itemType, output.Index, inputs);
    }

    private static (int Index, int Width) Visible(DataViewSchema schema, string name, int before)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            if (schema[i].Name == name)
            {
                return (i, schema[i].Type is VectorDataViewType vector ? vector.Size : 1);
            }
        }

        throw new BlockTransformException($"Concatenate: input column '{name}' is not in the block.");
    }

    /// <summary>Scatters each input column into its slice of every output row, a cache-sized tile of rows at a time.</summary>
    private sealed class Mapper<T>(int output, (int Index, int Width)[] inputs) : IBlockMapper
    {
        private const int TileRows = 256;
        private readonly int _rowSize = inputs.Sum(i => i.Width);

        public void Map(RecordBatch block)
        {
            var target = block.Column<VectorColumnBuffer<T>>(output).Values;
            for (var tile = 0; tile < block.RowCount; tile += TileRows)
            {
                var rows = Math.Min(TileRows, block.RowCount - tile);
                var offset = 0;
                foreach (var (index, width) in inputs)
                {
                    if (width == 1 && block.Columns[index] is ScalarColumnBuffer<T> scalar)
                    {
                        var values = scalar.Values.AsSpan(tile, rows);
                        var destination = target.AsSpan((tile * _rowSize) + offset, ((rows - 1) * _rowSize) + 1);
                        for (var r = 0; r < values.Length; r++)
                        {
                            destination[r * _rowSize] = values[r];
                        }
                    }
                    else
                    {
                        var source = block.Column<VectorColumnBuffer<T>>(index).Values;
                        for (var r = 0; r < rows; r++)
                        {
                            Array.Copy(source, (tile + r) * width, target, ((tile + r) * _rowSize) + offset, width);
                        }
                    }

                    offset += width;
                }
            }
        }
    }
}
