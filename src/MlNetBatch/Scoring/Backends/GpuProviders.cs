using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// Puts ONNX Runtime's GPU execution providers on session options, per its documentation: TensorRT first when
/// asked for (nodes it cannot take fall to CUDA), then CUDA, both on <see cref="ScoreOnnxOptions.GpuDeviceId"/>.
/// </summary>
internal static class GpuProviders
{
    /// <summary>ONNX Runtime's name for the CUDA execution provider, as <c>GetAvailableProviders</c> lists it.</summary>
    public const string Cuda = "CUDAExecutionProvider";

    /// <summary>What a CPU build says instead of trying CUDA: what it is, and how to get the GPU build.</summary>
    public const string CpuBuildReason =
        "this is a CPU build of MlNetBatch, whose ONNX Runtime has no CUDA execution provider. For the GPU build, publish the worker with " +
        "-p:OnnxRuntimeFlavor=Gpu on a machine with an NVIDIA driver and CUDA (see README, CPU and GPU builds, and bench/gpu.sh)";

    /// <summary>Whether the ONNX Runtime native library loaded in this process was built with the CUDA provider.</summary>
    public static bool BuildHasCuda()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders().Contains(Cuda, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException)
        {
            return false;
        }
    }

    /// <summary>Appends TensorRT (when <see cref="ScoreOnnxOptions.TensorRt"/>) and CUDA to <paramref name="sessionOptions"/>.</summary>
    public static void Append(SessionOptions sessionOptions, ScoreOnnxOptions options)
    {
        var device = options.GpuDeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (options.TensorRt)
        {
            using var tensorRt = new OrtTensorRTProviderOptions();
            var settings = new Dictionary<string, string> { ["device_id"] = device };
            if (!string.IsNullOrEmpty(options.TensorRtCachePath))
            {
                // Building an engine takes minutes for a large model; a cache makes every later start take seconds.
                settings["trt_engine_cache_enable"] = "1";
                settings["trt_engine_cache_path"] = options.TensorRtCachePath;
            }

            tensorRt.UpdateOptions(settings);
            sessionOptions.AppendExecutionProvider_Tensorrt(tensorRt);
        }

        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(new Dictionary<string, string>
        {
            ["device_id"] = device,
            // Grow the arena by what is asked for, not the next power of two: with batches near the memory limit,
            // doubling is what runs out of memory first.
            ["arena_extend_strategy"] = "kSameAsRequested",
        });
        sessionOptions.AppendExecutionProvider_CUDA(cuda);
    }
}
