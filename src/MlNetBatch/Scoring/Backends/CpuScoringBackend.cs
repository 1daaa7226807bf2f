using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// Scores on the CPU with one plain <c>Run</c> per range: ONNX Runtime reads the slot's input arrays and writes
/// its output columns where they lie, so nothing is copied. Also what a GPU session falls back to for tensors
/// I/O binding cannot stage.
/// </summary>
internal sealed class CpuScoringBackend : IScoringBackend
{
    private readonly OnnxScoringModel _model;
    private readonly int _firstOutputColumn;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    // Reused per run: the OrtValues themselves are created per run, over that run's rows.
    private readonly OrtValue?[] _inputs;
    private readonly OrtValue?[] _outputs;

    /// <param name="model">The model; its session may run on any provider.</param>
    /// <param name="firstOutputColumn">The slot column of the model's first output; the others follow it.</param>
    public CpuScoringBackend(OnnxScoringModel model, int firstOutputColumn)
    {
        _model = model;
        _firstOutputColumn = firstOutputColumn;
        _inputNames = model.Inputs.Select(i => i.Name).ToArray();
        _outputNames = model.Outputs.Select(o => o.Name).ToArray();
        _inputs = new OrtValue?[_inputNames.Length];
        _outputs = new OrtValue?[_outputNames.Length];
    }

    /// <inheritdoc />
    public void Run(ScoringBatch slot, int start, int count)
    {
        try
        {
            for (var i = 0; i < _inputs.Length; i++)
            {
                var spec = _model.Inputs[i];
                _inputs[i] = OrtTensors.Over(slot.InputTensors[i], start * spec.RowSize, count * spec.RowSize, RunShapes.ForRows(spec, count));
            }

            for (var o = 0; o < _outputs.Length; o++)
            {
                var spec = _model.Outputs[o];
                var target = RunShapes.OutputArray(slot.Rows.Columns[_firstOutputColumn + o]!);
                _outputs[o] = OrtTensors.Over(target, start * spec.RowSize, count * spec.RowSize, RunShapes.ForRows(spec, count));
            }

            _model.Session.Run(_runOptions, _inputNames, _inputs!, _outputNames, _outputs!);
        }
        finally
        {
            Release(_inputs);
            Release(_outputs);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _runOptions.Dispose();

    private static void Release(OrtValue?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i]?.Dispose();
            values[i] = null;
        }
    }
}
