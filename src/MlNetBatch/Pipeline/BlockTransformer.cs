using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Pipeline;

/// <summary>
/// Applies an <see cref="IBlockTransform"/> a block at a time, on a worker pool that overlaps whatever reads its
/// output (the scorer, a sink). Its data view's cursors hand out whole blocks, so batched scoring and the sinks keep
/// their bulk path after it.
/// </summary>
public sealed class BlockTransformer : ITransformer
{
    private readonly BlockStageOptions _options;

    internal BlockTransformer(IBlockTransform transform, BlockStageOptions options)
    {
        BlockTransform = transform;
        _options = options;
    }

    /// <summary>The fitted transform the stage applies.</summary>
    public IBlockTransform BlockTransform { get; }

    /// <summary>False: blocks need a cursor to read ahead, which a single-row mapper cannot offer.</summary>
    public bool IsRowToRowMapper => false;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var output in BlockTransform.GetOutputColumns(inputSchema))
        {
            builder.AddColumn(output.Name, output.Type);
        }

        return builder.ToSchema();
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BlockStageDataView(input, BlockTransform, BlockTransform.GetOutputColumns(input.Schema), _options);
    }

    /// <summary>
    /// The stage over a plan-time sample that later steps learn from: a bad row there (a timestamp that does not
    /// parse) is left out of the sample, since the run quarantines it where it is scored.
    /// </summary>
    internal IDataView TransformSample(IDataView sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return new BlockStageDataView(sample, BlockTransform, BlockTransform.GetOutputColumns(sample.Schema), _options, DiscardedBadRecords.Instance);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException($"Block stage '{BlockTransform.Name}' maps whole blocks and has no single-row mapper; for one-row predictions use the stock ML.NET transform of the same name.");

    /// <summary>Not supported: a block stage is code, not a saved model. Rebuild the pipeline where it is loaded.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException($"Block stage '{BlockTransform.Name}' cannot be saved with MLContext.Model.Save; build it again where the model is loaded.");
}
