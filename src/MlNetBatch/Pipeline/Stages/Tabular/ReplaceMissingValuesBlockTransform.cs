using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// ML.NET's <c>ReplaceMissingValues</c> on whole blocks, for a float or double column: NaN becomes the default (0),
/// the sample's mean (fitted at plan time, with ML.NET's arithmetic) or a configured constant. Other values,
/// infinities included, pass unchanged.
/// </summary>
public sealed class ReplaceMissingValuesBlockTransform : IFittedBlockTransform
{
    private readonly string[] _inputs;

    /// <summary>Creates the transform; <paramref name="value"/> is the constant for <see cref="MissingValueReplacement.Constant"/>.</summary>
    public ReplaceMissingValuesBlockTransform(string outputColumnName, string inputColumnName, MissingValueReplacement replacement = MissingValueReplacement.DefaultValue, double? value = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        if (replacement == MissingValueReplacement.Constant && value is null)
        {
            throw new BlockTransformException($"ReplaceMissingValues on '{inputColumnName}': the Constant replacement needs a ReplacementValue.");
        }

        OutputColumn = outputColumnName;
        InputColumn = inputColumnName;
        Replacement = replacement;
        Value = replacement == MissingValueReplacement.DefaultValue ? 0 : value;
        _inputs = [inputColumnName];
    }

    /// <inheritdoc />
    public string Name => "ReplaceMissingValues";

    /// <summary>The column the transform adds (the input's name replaces it in place).</summary>
    public string OutputColumn { get; }

    /// <summary>The column read.</summary>
    public string InputColumn { get; }

    /// <summary>What replaces a missing value.</summary>
    public MissingValueReplacement Replacement { get; }

    /// <summary>The value written for NaN; null for a mean not fitted yet.</summary>
    public double? Value { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => _inputs;

    /// <inheritdoc />
    public string FittedState => $"{Name}:{InputColumn}:{Replacement}:{Value?.ToString("R", CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = TabularColumns.Require(inputSchema, Name, InputColumn);
        if (input.Type != NumberDataViewType.Single && input.Type != NumberDataViewType.Double)
        {
            throw new BlockTransformException($"ReplaceMissingValues into '{OutputColumn}': column '{InputColumn}' holds {input.Type}; it reads a float or double column (other types have no missing value).");
        }

        return [new BlockOutputColumn(OutputColumn, input.Type)];
    }

    /// <inheritdoc />
    public IBlockTransform Fit(IDataView sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (Value is not null)
        {
            return this;
        }

        var column = sample.Schema[InputColumn];
        using var cursor = sample.GetRowCursor([column]);
        var mean = new MeanEstimate();
        if (column.Type == NumberDataViewType.Single)
        {
            var getter = cursor.GetGetter<float>(column);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                mean.Add(value);
            }

            // ML.NET keeps a float column's mean as a float.
            return new ReplaceMissingValuesBlockTransform(OutputColumn, InputColumn, Replacement, (float)mean.Value);
        }

        var doubles = cursor.GetGetter<double>(column);
        double number = 0;
        while (cursor.MoveNext())
        {
            doubles(ref number);
            mean.Add(number);
        }

        return new ReplaceMissingValuesBlockTransform(OutputColumn, InputColumn, Replacement, mean.Value);
    }

    /// <inheritdoc />
    public JsonNode? SaveFit() => Replacement == MissingValueReplacement.Mean && Value is { } mean ? JsonValue.Create(mean) : null;

    /// <inheritdoc />
    public IBlockTransform LoadFit(JsonNode fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new ReplaceMissingValuesBlockTransform(OutputColumn, InputColumn, Replacement, fit.GetValue<double>());
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var value = Value ?? throw new InvalidOperationException($"ReplaceMissingValues on '{InputColumn}' maps blocks only once its mean is fitted.");
        var output = schema[OutputColumn].Index;
        var input = BlockColumns.InputIndex(schema, InputColumn, output);
        return schema[input].Type == NumberDataViewType.Single
            ? new Mapper<float>(input, output, (float)value)
            : new Mapper<double>(input, output, value);
    }

    // Generic math, not a delegate per value.
    private sealed class Mapper<T>(int input, int output, T replacement) : IBlockMapper
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        public void Map(RecordBatch block)
        {
            var source = block.Column<ScalarColumnBuffer<T>>(input).Values.AsSpan(0, block.RowCount);
            var target = block.Column<ScalarColumnBuffer<T>>(output).Values.AsSpan(0, block.RowCount);
            for (var r = 0; r < source.Length; r++)
            {
                var value = source[r];
                target[r] = T.IsNaN(value) ? replacement : value;
            }
        }
    }
}
