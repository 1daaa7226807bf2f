using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Scoring.Tensors;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// Scores on the CPU with one plain <c>Run</c> per range: ONNX Runtime reads the slot's input arrays and writes
/// its output columns where they lie, so nothing is copied. Also what a GPU session falls back to for tensors
/// I/O binding cannot stage.
/// </summary>
internal sealed class CpuScoringBackend : IScoringBackend
{
    private readonly OnnxScoringModel _model;
    private readonly RunTensorBinder _tensors;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <param name="model">The model; its session may run on any provider.</param>
    /// <param name="firstOutputColumn">The slot column of the model's first output; the others follow it.</param>
    public CpuScoringBackend(OnnxScoringModel model, int firstOutputColumn)
    {
        _model = model;
        _tensors = new RunTensorBinder(model, firstOutputColumn);
        _inputNames = model.Inputs.Select(i => i.Name).ToArray();
        _outputNames = model.Outputs.Select(o => o.Name).ToArray();
    }

    /// <inheritdoc />
    public void Run(ScoringBatch slot, int start, int count)
    {
        // Dense tensors lie over the slot's arrays; padded, text and half-precision ones are staged by the binder.
        using var tensors = _tensors.Bind(slot, start, count);
        tensors.Run(_model.Session, _runOptions, _inputNames, _outputNames);
    }

    /// <inheritdoc />
    public void Dispose() => _runOptions.Dispose();
}
