using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Scoring.Functions;

/// <summary>
/// An <see cref="IBatchModel"/> as an ML.NET transformer: the input columns, then the model's outputs, scored a block
/// of rows per call with at most <see cref="BatchModelOptions.MaxConcurrency"/> calls at once over all its cursors.
/// </summary>
public sealed class BatchModelTransformer : ITransformer
{
    private readonly RegisteredBatchModel _model;

    internal BatchModelTransformer(RegisteredBatchModel model)
    {
        _model = model;
    }

    /// <summary>False: rows are scored a block per call, which a single-row mapper cannot offer.</summary>
    public bool IsRowToRowMapper => false;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Bind(inputSchema).Schema;
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => Transform(input, badRecords: null);

    /// <summary>
    /// Like <see cref="Transform(IDataView)"/>, but rows the model fails go to <paramref name="badRecords"/> (with the
    /// row's <c>path</c> where the input has that column) instead of failing the read.
    /// </summary>
    public IDataView Transform(IDataView input, IBadRecordSink? badRecords)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchFunctionDataView(input, Bind(input.Schema), badRecords);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException($"Batch model '{_model.Name}' scores blocks of rows and has no single-row mapper.");

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException($"Batch model '{_model.Name}' is .NET code, not a saved model; create it again where the pipeline is loaded.");

    // Outside a job there is one consumer's cursors, so the calls in flight are the model's whole limit.
    private BatchFunctionBinding Bind(DataViewSchema input) =>
        BatchFunctionBinding.Bind(_model, input, new Dictionary<string, string>(), new Dictionary<string, string>(), batchSize: 0, partitionsAtOnce: 1);
}
