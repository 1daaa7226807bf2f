namespace MlNetBatch.Scoring.Tensors;

/// <summary>
/// Makes the tensors of runs over a model's slots: inputs from the staged rows (padding, masks, half precision and text
/// handled here) and outputs over the slot's columns. One per scorer: it reuses scratch memory from run to run, so
/// a run's tensors must be disposed before the next <see cref="Bind"/>.
/// </summary>
internal sealed class RunTensorBinder
{
    private readonly InputTensor[] _inputs;
    private readonly int[] _inputOrder;
    private readonly OutputTensor[] _outputs;
    private readonly int _firstOutputColumn;
    private readonly PaddedLengths _lengths = new();

    /// <param name="model">The model, bound to its data.</param>
    /// <param name="firstOutputColumn">The slot column of the model's first output; the others follow it.</param>
    public RunTensorBinder(OnnxScoringModel model, int firstOutputColumn)
    {
        _inputs = model.Inputs.Select(InputTensor.For).ToArray();
        // Masks last: they follow the lengths their padded inputs record.
        _inputOrder = Enumerable.Range(0, _inputs.Length).OrderBy(i => model.Inputs[i].Layout == TensorLayout.Mask).ToArray();
        _outputs = model.Outputs.Select(OutputTensor.For).ToArray();
        _firstOutputColumn = firstOutputColumn;
    }

    public int InputCount => _inputs.Length;

    public int OutputCount => _outputs.Length;

    /// <summary>The tensors of a run over rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of <paramref name="slot"/>.</summary>
    public RunTensors Bind(ScoringBatch slot, int start, int count)
    {
        var run = new RunTensors(this, slot, start, count);
        try
        {
            foreach (var i in _inputOrder)
            {
                run.Inputs[i] = _inputs[i].Create(slot.InputTensors[i], start, count, _lengths);
            }

            for (var o = 0; o < _outputs.Length; o++)
            {
                run.Outputs[o] = _outputs[o].Bind(slot.Rows.Columns[_firstOutputColumn + o]!, start, count);
            }

            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    internal void Complete(ScoringBatch slot, int start, int count, Microsoft.ML.OnnxRuntime.OrtValue?[] bound, IReadOnlyList<Microsoft.ML.OnnxRuntime.OrtValue>? allocated)
    {
        for (var o = 0; o < _outputs.Length; o++)
        {
            _outputs[o].Complete(slot.Rows.Columns[_firstOutputColumn + o]!, start, count, bound[o] is null ? allocated![o] : null);
        }
    }
}
