using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Tests.Scoring.Backends;

/// <summary>A fact that needs CUDA: skipped, with the reason, where this process's ONNX Runtime has no CUDA provider or no GPU answers.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (!GpuProviders.BuildHasCuda())
        {
            Skip = "Needs CUDA: the tests run on ONNX Runtime's CPU package and no GPU build is loaded (see bench/gpu.sh for the GPU check).";
        }
    }
}
