using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Backends;

/// <summary>The CUDA backend's I/O binding, run through the CPU provider's I/O binding, which ONNX Runtime supports too.</summary>
public class IoBindingScoringBackendTests
{
    [Fact]
    public void Each_slot_is_staged_through_the_same_buffers_batch_after_batch_and_scores_equal_a_plain_run()
    {
        using var dir = new TempDirectory();
        using var model = OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = TestModels.Tabular(dir), Device = OnnxDevice.Cpu });
        const int Rows = 200;
        var bound = TestSlots.For(model, Rows);
        var plain = TestSlots.For(model, Rows);
        using var binding = new IoBindingScoringBackend(model, firstOutputColumn: 0, OrtAllocator.DefaultInstance, executor: null);
        using var reference = new CpuScoringBackend(model, firstOutputColumn: 0);
        nint[]? firstBuffers = null;

        for (var batch = 0; batch < 3; batch++)
        {
            // New rows in the same slot, as a cursor refills it.
            var features = CpuScoringBackendTests.Features(Rows, seed: batch + 10);
            features.CopyTo((float[])bound.InputTensors[0], 0);
            features.CopyTo((float[])plain.InputTensors[0], 0);
            var count = Rows - (batch * 37);

            binding.Run(bound, 0, count);
            reference.Run(plain, 0, count);

            var buffers = binding.BuffersOf(bound)!;
            var addresses = new[] { buffers.Input(0).DangerousGetHandle(), buffers.Output(0).DangerousGetHandle(), buffers.Output(1).DangerousGetHandle() };
            firstBuffers ??= addresses;
            Assert.Equal(firstBuffers, addresses);
            Assert.Equal(1, binding.SlotBufferSets);
            for (var o = 0; o < model.Outputs.Count; o++)
            {
                AssertSameOutputs(model, o, bound, plain, count);
            }
        }
    }

    [Fact]
    public void A_second_slot_gets_buffers_of_its_own_and_int64_tensors_round_trip()
    {
        using var dir = new TempDirectory();
        using var model = OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = TestModels.MultiInputOutput(dir), Device = OnnxDevice.Cpu });
        var first = TestSlots.For(model, 10);
        var second = TestSlots.For(model, 10);
        var ids = model.Inputs.ToList().FindIndex(i => i.Name == "ids");
        var doubled = model.Outputs.ToList().FindIndex(o => o.Name == "doubled");
        for (var r = 0; r < 30; r++)
        {
            ((long[])first.InputTensors[ids])[r] = r + (long.MaxValue / 4);
            ((long[])second.InputTensors[ids])[r] = -r;
        }

        using var binding = new IoBindingScoringBackend(model, firstOutputColumn: 0, OrtAllocator.DefaultInstance, executor: null);
        binding.Run(first, 0, 10);
        binding.Run(second, 3, 7);

        Assert.Equal(2, binding.SlotBufferSets);
        Assert.NotEqual(binding.BuffersOf(first)!.Input(ids).DangerousGetHandle(), binding.BuffersOf(second)!.Input(ids).DangerousGetHandle());
        Assert.Equal(Enumerable.Range(0, 30).Select(r => 2 * (r + (long.MaxValue / 4))), TestSlots.Output<long>(first, model, doubled, 10));
        // Rows 3..9 of the second slot were scored; rows 0..2 were not touched.
        Assert.Equal(Enumerable.Range(0, 30).Select(r => r < 9 ? 0 : -2L * r), TestSlots.Output<long>(second, model, doubled, 10));
    }

    private static void AssertSameOutputs(OnnxScoringModel model, int output, ScoringBatch bound, ScoringBatch plain, int rows)
    {
        if (model.Outputs[output].ItemType.RawType == typeof(float))
        {
            var expected = TestSlots.Output<float>(plain, model, output, rows);
            var actual = TestSlots.Output<float>(bound, model, output, rows);
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"output {output} value {i}: plain {expected[i]}, bound {actual[i]}");
            }
        }
        else
        {
            Assert.Equal(TestSlots.Output<long>(plain, model, output, rows), TestSlots.Output<long>(bound, model, output, rows));
        }
    }
}
