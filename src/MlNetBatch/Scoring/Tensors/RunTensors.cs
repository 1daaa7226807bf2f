using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>
/// The tensors of one run over rows of a slot. A backend hands <see cref="Inputs"/> and <see cref="Outputs"/> to ONNX
/// Runtime (an output left null is one ONNX Runtime allocates), then calls <see cref="Complete"/> with what the run
/// returned, so every output lands in its column.
/// </summary>
internal sealed class RunTensors(RunTensorBinder binder, ScoringBatch slot, int start, int count) : IDisposable
{
    /// <summary>One tensor per model input, in the model's order.</summary>
    public OrtValue[] Inputs { get; } = new OrtValue[binder.InputCount];

    /// <summary>One tensor per model output, in order; null where ONNX Runtime allocates the output.</summary>
    public OrtValue?[] Outputs { get; } = new OrtValue?[binder.OutputCount];

    /// <summary>Whether every output is bound to memory of its own, so the run needs no allocated outputs.</summary>
    public bool AllOutputsBound => Array.IndexOf(Outputs, null) < 0;

    /// <summary>
    /// Runs <paramref name="session"/> on these tensors and completes the outputs: the run ONNX Runtime's CPU provider
    /// needs. Backends that bind differently call <see cref="Complete"/> themselves.
    /// </summary>
    public void Run(InferenceSession session, RunOptions options, string[] inputNames, string[] outputNames)
    {
        if (AllOutputsBound)
        {
            session.Run(options, inputNames, Inputs, outputNames, Outputs!);
            Complete(null);
            return;
        }

        // Some outputs are ONNX Runtime's to allocate: an I/O binding lets the others still land in their columns.
        using var binding = session.CreateIoBinding();
        for (var i = 0; i < Inputs.Length; i++)
        {
            binding.BindInput(inputNames[i], Inputs[i]);
        }

        for (var o = 0; o < Outputs.Length; o++)
        {
            if (Outputs[o] is { } bound)
            {
                binding.BindOutput(outputNames[o], bound);
            }
            else
            {
                binding.BindOutputToDevice(outputNames[o], OrtMemoryInfo.DefaultInstance);
            }
        }

        session.RunWithBinding(options, binding);
        using var results = binding.GetOutputValues();
        Complete(results);
    }

    /// <summary>
    /// Moves the run's outputs into the slot's columns; <paramref name="allocated"/> holds every output in order as the
    /// run returned it (needed only where <see cref="Outputs"/> has a null).
    /// </summary>
    public void Complete(IReadOnlyList<OrtValue>? allocated) => binder.Complete(slot, start, count, Outputs, allocated);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var value in Inputs)
        {
            value?.Dispose();
        }

        foreach (var value in Outputs)
        {
            value?.Dispose();
        }
    }
}
