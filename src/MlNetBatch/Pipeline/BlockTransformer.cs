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

    // Output blocks kept from one Transform to the next: a job transforms partition after partition, and each stage's
    // blocks hold megabytes (16 image tensors of 224 x 224 floats are 9.6 MB), which fresh views allocated, cleared
    // and faulted in again for every partition.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Data.RecordBatchPool> _outputBlocks = new();

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
        var outputs = BlockTransform.GetOutputColumns(input.Schema);
        // Blocks fit any view whose input has as many columns and whose outputs have the same types: pooled blocks
        // hold only the stage's own columns (see StageInput.Release).
        var shape = string.Join("|", outputs.Select(o => o.Type.ToString()).Prepend(input.Schema.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new BlockStageDataView(input, BlockTransform, outputs, _options, outputBlocks: schema => _outputBlocks.GetOrAdd(shape, _ => BlockStageDataView.CreateOutputBlocks(schema, input.Schema.Count)));
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
