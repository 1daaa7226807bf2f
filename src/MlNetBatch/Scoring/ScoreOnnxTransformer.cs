using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Scoring;

/// <summary>
/// Scores rows in batches through ONNX Runtime, overlapping reading, inference and consumption.
/// Saved with <c>MLContext.Model.Save</c> it becomes a stock ML.NET ONNX transform, so plain ML.NET can load it;
/// <see cref="OnnxModelCatalogExtensions.LoadBatched"/> loads it back as batched scoring.
/// </summary>
public sealed class ScoreOnnxTransformer : ITransformer, ICanSaveModel, IDisposable
{
    private readonly ScoringSlotPool _slots = new();
    private DataViewSchema? _lastInputSchema;

    internal ScoreOnnxTransformer(OnnxScoringModel model, DataViewSchema? inputSchema)
    {
        Model = model;
        _lastInputSchema = inputSchema;
    }

    /// <summary>The loaded model and its column bindings.</summary>
    public OnnxScoringModel Model { get; }

    /// <summary>False: batching needs a cursor to read ahead, which a single-row mapper cannot offer.</summary>
    public bool IsRowToRowMapper => false;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Model.CheckInputs(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var output in Model.Outputs)
        {
            builder.AddColumn(output.ColumnName, output.ColumnType);
        }

        return builder.ToSchema();
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => Transform(input, badRecords: null);

    /// <summary>
    /// Like <see cref="Transform(IDataView)"/>, but a batch the model fails on is split until the failing rows are
    /// found; those go to <paramref name="badRecords"/> and the others are scored.
    /// </summary>
    public IDataView Transform(IDataView input, IBadRecordSink? badRecords) => Transform(input, badRecords, sequential: false);

    /// <summary>
    /// Like <see cref="Transform(IDataView, IBadRecordSink?)"/>; when <paramref name="sequential"/> is true, cursors fill
    /// and score each batch on the consumer's thread rather than overlapping them on background stages.
    /// </summary>
    internal IDataView Transform(IDataView input, IBadRecordSink? badRecords, bool sequential)
    {
        ArgumentNullException.ThrowIfNull(input);
        var schema = GetOutputSchema(input.Schema);
        _lastInputSchema = input.Schema;
        return new ScoredDataView(input, Model, schema, _slots, badRecords, sequential);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException(
            "ScoreOnnx scores whole batches and has no single-row mapper. For one-row predictions, save the model and load it with MLContext.Model.Load, which gives ML.NET's own ONNX transform.");

    /// <summary>Writes a stock ML.NET ONNX transform over the same model (see the type's remarks).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        var schema = _lastInputSchema
            ?? throw new InvalidOperationException("Fit or apply the transformer before saving it, so that its input schema is known.");
        StockOnnxExport.Save(Model, schema, ctx);
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
