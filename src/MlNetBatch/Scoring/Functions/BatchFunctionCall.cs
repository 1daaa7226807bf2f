using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring.Functions;

/// <summary>
/// One call of a batch model in flight: its block (copied input columns and the outputs), the rows' ids, and the
/// task that scores it. An exception fails the call's rows; they are then scored one by one, so that only a row that
/// fails on its own is set aside. A <see cref="ModelException"/> is the model itself failing (its program missing,
/// say), and fails the job instead. Outputs start each call at their defaults (empty text, zeros), so a row the model
/// neither sets nor fails can never carry a value of another row.
/// </summary>
internal sealed class BatchFunctionCall
{
    private readonly BatchFunctionBinding _binding;
    // Output buffers never written: the defaults each call's outputs are reset to.
    private RecordBatch? _defaults;

    public BatchFunctionCall(BatchFunctionBinding binding, RecordBatch block, int rows)
    {
        _binding = binding;
        Block = block;
        Batch = new ModelBatch(block, binding.Inputs, binding.Outputs);
        RowIds = new DataViewRowId[rows];
        BatchIds = new long[rows];
    }

    public RecordBatch Block { get; }

    public ModelBatch Batch { get; }

    public DataViewRowId[] RowIds { get; }

    public long[] BatchIds { get; }

    /// <summary>Copies the input cursor's current row into a row of <see cref="Block"/>, one action per copied column; made once per call.</summary>
    public Action<int>[]? Copiers { get; set; }

    public Task Scoring { get; private set; } = Task.CompletedTask;

    /// <summary>Starts scoring <see cref="Block"/> on the thread pool.</summary>
    public void Start(CancellationToken cancellationToken)
    {
        Batch.Failures.Clear();
        ResetOutputs(Block);
        Scoring = Task.Run(() => ScoreAsync(cancellationToken), CancellationToken.None);
    }

    private async Task ScoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _binding.Model.CallAsync(Batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not ModelException)
        {
            Batch.Failures.Clear();
            if (Batch.RowCount == 1)
            {
                Batch.Fail(0, Reason(e));
                return;
            }

            await ScoreRowByRowAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScoreRowByRowAsync(CancellationToken cancellationToken)
    {
        var modelInputs = new bool[_binding.Schema.Count];
        foreach (var index in _binding.Inputs.Values)
        {
            modelInputs[index] = true;
        }

        var single = _binding.CreateBlock(modelInputs, 1);
        var one = new ModelBatch(single, _binding.Inputs, _binding.Outputs);
        for (var row = 0; row < Block.RowCount; row++)
        {
            single.Reset(1);
            foreach (var index in _binding.Inputs.Values)
            {
                single.Columns[index]!.CopyRows(Block.Columns[index]!, row, 0, 1);
            }

            single.RowCount = 1;
            ResetOutputs(single);
            one.Failures.Clear();
            try
            {
                await _binding.Model.CallAsync(one, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not ModelException)
            {
                Batch.Fail(row, Reason(e));
                continue;
            }

            if (one.Failures.Count > 0)
            {
                Batch.Fail(row, one.Failures[0].Reason);
                continue;
            }

            foreach (var index in _binding.Outputs.Values)
            {
                Block.Columns[index]!.CopyRows(single.Columns[index]!, 0, row, 1);
            }
        }
    }

    private void ResetOutputs(RecordBatch block)
    {
        _defaults ??= _binding.CreateBlock(new bool[_binding.Schema.Count], RowIds.Length);

        foreach (var index in _binding.Outputs.Values)
        {
            block.Columns[index]!.CopyRows(_defaults.Columns[index]!, 0, 0, block.RowCount);
        }
    }

    private static string Reason(Exception e) => $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
}
