using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// ML.NET's <c>FilterRowsByColumn</c> as a block stage: keeps the rows whose value in a numeric column lies in
/// <c>[lower, upper)</c> (a float or double column) and takes the others out, NaN included. Rows taken out are not bad records: a job counts them
/// in its summary (<c>FilteredRows</c>) and quarantines nothing.
/// </summary>
public sealed class FilterBlockTransform : IBlockTransform
{
    private readonly string[] _inputs;

    /// <summary>Creates the filter; an omitted bound is infinite.</summary>
    public FilterBlockTransform(string columnName, double lowerBound = double.NegativeInfinity, double upperBound = double.PositiveInfinity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(columnName);
        if (double.IsNaN(lowerBound) || double.IsNaN(upperBound) || !(lowerBound < upperBound))
        {
            throw new BlockTransformException($"Filter on '{columnName}': LowerBound ({lowerBound}) must be less than UpperBound ({upperBound}).");
        }

        Column = columnName;
        LowerBound = lowerBound;
        UpperBound = upperBound;
        _inputs = [columnName];
    }

    /// <inheritdoc />
    public string Name => "Filter";

    /// <summary>The column tested.</summary>
    public string Column { get; }

    /// <summary>The smallest value kept.</summary>
    public double LowerBound { get; }

    /// <summary>The bound above the values kept (excluded).</summary>
    public double UpperBound { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => _inputs;

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = TabularColumns.Require(inputSchema, Name, Column);
        if (input.Type != NumberDataViewType.Single && input.Type != NumberDataViewType.Double)
        {
            throw new BlockTransformException($"Filter on '{Column}': the column holds {input.Type}; it tests a float or double column, as the stock filter does (convert it first with ConvertType).");
        }

        return [];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema[Column];
        return column.Type == NumberDataViewType.Single
            ? new Mapper<float>(column.Index, this)
            : new Mapper<double>(column.Index, this);
    }

    // Generic math, not a delegate per value: a float widens to double exactly.
    private sealed class Mapper<T>(int input, FilterBlockTransform filter) : IDropsRows
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        public BlockRowDrops Drops { get; } = new();

        public void Map(RecordBatch block)
        {
            var values = block.Column<ScalarColumnBuffer<T>>(input).Values.AsSpan(0, block.RowCount);
            for (var r = 0; r < values.Length; r++)
            {
                var v = double.CreateTruncating(values[r]);
                // Written so that NaN, which compares false, is taken out.
                if (!(filter.LowerBound <= v && v < filter.UpperBound))
                {
                    Drops.Filter(r);
                }
            }
        }
    }
}
