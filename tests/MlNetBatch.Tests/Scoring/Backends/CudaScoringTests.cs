using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Backends;

public class CudaScoringTests
{
    [GpuFact]
    public void Scores_on_cuda_through_pinned_io_binding_equal_raw_onnx_runtime_on_the_cpu()
    {
        using var dir = new TempDirectory();
        var path = TestModels.Tabular(dir);
        using var model = OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = path, Device = OnnxDevice.Cuda });
        const int Rows = 500;
        var features = CpuScoringBackendTests.Features(Rows, seed: 5);
        var expected = RawOnnx.RunTabular(path, features, Rows, out _);
        var slot = TestSlots.For(model, Rows);
        features.CopyTo((float[])slot.InputTensors[0], 0);

        using var backend = model.Backends.Create(0);
        backend.Run(slot, 0, 250);
        backend.Run(slot, 250, 250);

        Assert.IsType<IoBindingScoringBackend>(backend);
        var probabilities = TestSlots.Output<float>(slot, model, model.Outputs.ToList().FindIndex(o => o.Name == "probabilities"), Rows);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - probabilities[i]) <= 1e-4, $"value {i}: cpu {expected[i]}, cuda {probabilities[i]}");
        }
    }
}
