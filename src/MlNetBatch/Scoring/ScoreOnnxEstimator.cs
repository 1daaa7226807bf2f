using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Scoring;

/// <summary>Estimator for <see cref="ScoreOnnxTransformer"/>: nothing is trained; fitting loads and checks the model.</summary>
public sealed class ScoreOnnxEstimator : IEstimator<ScoreOnnxTransformer>
{
    private readonly ScoreOnnxOptions _options;
    private readonly ILogger? _logger;

    internal ScoreOnnxEstimator(ScoreOnnxOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ScoreOnnxOptionsValidator.ThrowIfInvalid(options);
        _options = options.Clone();
        _logger = logger;
    }

    /// <inheritdoc />
    public ScoreOnnxTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = OnnxScoringModel.Load(_options, _logger);
        try
        {
            model.CheckInputs(input.Schema);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return new ScoreOnnxTransformer(model, input.Schema);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        using var model = OnnxScoringModel.Load(_options, _logger);
        var problems = new List<string>();
        foreach (var input in model.Inputs)
        {
            foreach (var name in input.SourceColumns)
            {
                var column = inputSchema.FirstOrDefault(c => c.Name == name);
                if (column.Name is null)
                {
                    problems.Add($"input '{input.Name}' needs column '{name}', which the data does not have.");
                }
                else if (column.ItemType != input.ItemType
                    || (input.ConcatenatedColumns is null && input.RowSize > 1 && column.Kind == SchemaShape.Column.VectorKind.Scalar))
                {
                    problems.Add($"input '{input.Name}' expects {input.RowTypeName} per row but column '{name}' holds {column.ItemType}.");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new OnnxModelException($"Model '{model.Name}' does not fit the data: " + string.Join(" ", problems));
        }

        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var output in model.Outputs)
        {
            columns[output.ColumnName] = SchemaShapeColumns.Create(output.ColumnName, output.ColumnType);
        }

        return new SchemaShape(columns.Values);
    }
}
