using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Pipeline;

/// <summary>
/// The lazily mapped output of a block stage: the input's columns followed by the transform's. Its cursors are
/// <see cref="BlockRowCursor"/>s, so the scorer and the sinks downstream keep moving whole blocks.
/// </summary>
internal sealed class BlockStageDataView : IDataView
{
    /// <summary>Rows per block when the input is a row cursor that has no blocks of its own (MlNetBatch's default chunk).</summary>
    public const int CopiedBlockRows = 8192;

    private readonly IDataView _input;
    private readonly BlockStageOptions _options;
    private readonly int[] _transformInputs;

    /// <param name="input">The rows the stage maps.</param>
    /// <param name="transform">The stage.</param>
    /// <param name="outputs">The columns the stage adds, as it says for <paramref name="input"/>'s schema.</param>
    /// <param name="options">Workers and blocks in flight.</param>
    /// <param name="badRecords">Where bad rows go when the input has no quarantine of its own.</param>
    /// <param name="outputBlocks">
    /// The pool of output blocks for this view's schema, shared with other views of the same shape (see
    /// <see cref="CreateOutputBlocks"/>); null for a pool of the view's own.
    /// </param>
    public BlockStageDataView(IDataView input, IBlockTransform transform, IReadOnlyList<BlockOutputColumn> outputs, BlockStageOptions options,
        Data.BadRecords.IBadRecordSink? badRecords = null, Func<DataViewSchema, RecordBatchPool>? outputBlocks = null)
    {
        BadRecords = badRecords;
        _input = input;
        _options = options;
        Transform = transform;
        InputColumnCount = input.Schema.Count;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input.Schema);
        foreach (var output in outputs)
        {
            builder.AddColumn(output.Name, output.Type);
        }

        Schema = builder.ToSchema();
        _transformInputs = transform.InputColumns.Select(name => input.Schema[name].Index).ToArray();
        OutputBlocks = outputBlocks?.Invoke(Schema) ?? CreateOutputBlocks(Schema, InputColumnCount);
    }

    /// <summary>A pool of output blocks for a stage's <paramref name="schema"/>, whose first <paramref name="inputColumnCount"/> columns are its input's.</summary>
    public static RecordBatchPool CreateOutputBlocks(DataViewSchema schema, int inputColumnCount)
    {
        // Only the stage's own columns are pooled; the input's buffers are shared with the input block.
        var own = new bool[schema.Count];
        own.AsSpan(inputColumnCount).Fill(true);
        // Sized by the blocks that come (Rent grows a batch to the input's rows): pre-sizing at CopiedBlockRows made a
        // 224 x 224 image tensor column a 4.9 GB block.
        return new RecordBatchPool(schema, own, 1);
    }

    public IBlockTransform Transform { get; }

    /// <summary>Where bad rows go when the input has no quarantine of its own; null to fail on them.</summary>
    public Data.BadRecords.IBadRecordSink? BadRecords { get; }

    /// <summary>How many of the schema's columns are the input's.</summary>
    public int InputColumnCount { get; }

    /// <summary>Output blocks holding buffers for the stage's columns, shared by the view's cursors.</summary>
    public RecordBatchPool OutputBlocks { get; }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = Active(columnsNeeded);
        var inputsActive = InputsNeeded(active);
        return CreateCursor(_input.GetRowCursor(Columns(inputsActive)), active, inputsActive);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = Active(columnsNeeded);
        var inputsActive = InputsNeeded(active);
        var inputs = _input.GetRowCursorSet(Columns(inputsActive), n);
        var cursors = new DataViewRowCursor[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            cursors[i] = CreateCursor(inputs[i], active, inputsActive);
        }

        return cursors;
    }

    private BlockStageCursor CreateCursor(DataViewRowCursor input, bool[] active, bool[] inputsActive)
    {
        var stageInput = StageInput.Create(input, this, inputsActive);
        // By default a stage adds no thread where its input runs on the consumer's (a job's partition-per-core mode).
        var inline = _options.Inline ?? stageInput.RunsOnConsumerThread;
        return inline
            ? new InlineBlockStageCursor(this, stageInput, active)
            : new PooledBlockStageCursor(this, stageInput, active, _options);
    }

    private bool[] Active(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        // The transform fills all its columns, so they all have buffers, asked for or not.
        active.AsSpan(InputColumnCount).Fill(true);
        return active;
    }

    private bool[] InputsNeeded(bool[] active)
    {
        var needed = active[..InputColumnCount];
        foreach (var index in _transformInputs)
        {
            needed[index] = true;
        }

        return needed;
    }

    private IEnumerable<DataViewSchema.Column> Columns(bool[] inputsActive)
    {
        for (var i = 0; i < inputsActive.Length; i++)
        {
            if (inputsActive[i])
            {
                yield return _input.Schema[i];
            }
        }
    }
}
