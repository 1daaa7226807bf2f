using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Scoring;

namespace MlNetBatch.Pipeline;

/// <summary>Estimator for <see cref="BlockTransformer"/>: fitting checks the columns and lets the transform learn from the data.</summary>
public sealed class BlockTransformEstimator : IEstimator<BlockTransformer>
{
    private readonly IBlockTransform _transform;
    private readonly BlockStageOptions _options;

    internal BlockTransformEstimator(IBlockTransform transform, BlockStageOptions options)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new BlockTransformException($"Block stage '{transform.Name}': {string.Join(" ", problems)}");
        }

        _transform = transform;
        _options = options.Clone();
    }

    /// <inheritdoc />
    public BlockTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Checked before fitting, so a wrong column fails with the transform's message, not inside Fit.
        _transform.GetOutputColumns(input.Schema);
        return new BlockTransformer(_transform.Fit(input), _options);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (_transform is IDescribesOutputShape described)
        {
            var shaped = inputSchema.ToDictionary(c => c.Name);
            foreach (var output in described.GetOutputShape(inputSchema))
            {
                shaped[output.Name] = output;
            }

            return new SchemaShape(shaped.Values);
        }

        // A schema shape has no vector sizes: stand in a size of one, whose kind (fixed or variable) is what the shape keeps.
        var builder = new DataViewSchema.Builder();
        foreach (var column in inputSchema)
        {
            builder.AddColumn(column.Name, column.Kind switch
            {
                SchemaShape.Column.VectorKind.Vector => new VectorDataViewType((PrimitiveDataViewType)column.ItemType, 1),
                SchemaShape.Column.VectorKind.VariableVector => new VectorDataViewType((PrimitiveDataViewType)column.ItemType),
                _ => column.ItemType,
            });
        }

        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var output in _transform.GetOutputColumns(builder.ToSchema()))
        {
            columns[output.Name] = SchemaShapeColumns.Create(output.Name, output.Type);
        }

        return new SchemaShape(columns.Values);
    }
}
