using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Backends;

public class CpuScoringBackendTests
{
    [Fact]
    public void Ranges_scored_by_the_cpu_backend_equal_one_raw_onnx_runtime_call()
    {
        using var dir = new TempDirectory();
        var path = TestModels.Tabular(dir);
        using var model = OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = path, Device = OnnxDevice.Cpu });
        const int Rows = 300;
        var features = Features(Rows, seed: 3);
        var expected = RawOnnx.RunTabular(path, features, Rows, out var expectedLabels);
        var slot = TestSlots.For(model, Rows);
        features.CopyTo((float[])slot.InputTensors[0], 0);

        using var backend = new CpuScoringBackend(model, firstOutputColumn: 0);
        // Uneven ranges, as a tuner or a halving after running out of memory makes them.
        foreach (var (start, count) in new[] { (0, 1), (1, 128), (129, 171) })
        {
            backend.Run(slot, start, count);
        }

        var probabilities = TestSlots.Output<float>(slot, model, model.Outputs.ToList().FindIndex(o => o.Name == "probabilities"), Rows);
        var labels = TestSlots.Output<long>(slot, model, model.Outputs.ToList().FindIndex(o => o.Name == "label"), Rows);
        Assert.Equal(expected.Length, probabilities.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - probabilities[i]) <= 1e-5, $"value {i}: raw {expected[i]}, backend {probabilities[i]}");
        }

        Assert.Equal(expectedLabels, labels);
    }

    [Fact]
    public void A_model_failing_on_its_data_surfaces_as_an_onnx_runtime_error_that_is_not_out_of_memory()
    {
        using var dir = new TempDirectory();
        using var model = OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = TestModels.FailsOnBadIndex(dir), Device = OnnxDevice.Cpu });
        var slot = TestSlots.For(model, 4);
        ((long[])slot.InputTensors[0])[2] = 9;
        using var backend = new CpuScoringBackend(model, firstOutputColumn: 0);

        var error = Assert.Throws<OnnxRuntimeException>(() => backend.Run(slot, 0, 4));

        Assert.False(OutOfMemoryErrors.IsOutOfMemory(error));
    }

    internal static float[] Features(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * 16).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }
}
