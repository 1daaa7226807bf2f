using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Scoring.Backends;

namespace MlNetBatch.Scoring;

/// <summary>Creates ONNX Runtime sessions on the requested device, falling back to the CPU under <see cref="OnnxDevice.Auto"/>.</summary>
internal static class OnnxSessionFactory
{
    public static InferenceSession Create(byte[] model, string modelName, ScoreOnnxOptions options, ILogger logger, out OnnxDevice device) =>
        Create(model, modelName, options, logger, GpuProviders.BuildHasCuda, out device);

    /// <summary>As <see cref="Create(byte[], string, ScoreOnnxOptions, ILogger, out OnnxDevice)"/>, asking <paramref name="buildHasCuda"/> whether this process's ONNX Runtime has the CUDA provider (a seam for tests).</summary>
    internal static InferenceSession Create(byte[] model, string modelName, ScoreOnnxOptions options, ILogger logger, Func<bool> buildHasCuda, out OnnxDevice device)
    {
        if (options.Device != OnnxDevice.Cpu)
        {
            var session = TryCreateOnGpu(model, options, buildHasCuda, out var reason);
            if (session is not null)
            {
                device = OnnxDevice.Cuda;
                return session;
            }

            if (options.Device == OnnxDevice.Cuda)
            {
                throw new OnnxModelException($"Model '{modelName}': Device is Cuda, but CUDA device {options.GpuDeviceId} cannot be used: {reason}. Set Device to Auto or Cpu to score on the CPU.");
            }

            logger.LogInformation("Model {Model} scores on the CPU: {Reason}", modelName, reason);
        }

        try
        {
            using var cpuOptions = CreateOptions(options);
            device = OnnxDevice.Cpu;
            return new InferenceSession(model, cpuOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"Model '{modelName}' is not a valid ONNX model ({e.Message}).", e);
        }
    }

    /// <summary>A session on the GPU, or null with the reason (one line) why there is none.</summary>
    private static InferenceSession? TryCreateOnGpu(byte[] model, ScoreOnnxOptions options, Func<bool> buildHasCuda, out string reason)
    {
        // Asking a CPU build for CUDA fails deep in native code ("Unable to find an entry point named
        // OrtSessionOptionsAppendExecutionProvider_CUDA"), which says nothing useful; the provider list says it plainly.
        if (!buildHasCuda())
        {
            reason = GpuProviders.CpuBuildReason;
            return null;
        }

        try
        {
            using var gpuOptions = CreateOptions(options);
            GpuProviders.Append(gpuOptions, options);
            reason = string.Empty;
            return new InferenceSession(model, gpuOptions);
        }
        catch (EntryPointNotFoundException)
        {
            reason = GpuProviders.CpuBuildReason;
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException)
        {
            reason = $"ONNX Runtime could not initialise {(options.TensorRt ? "TensorRT and CUDA" : "CUDA")} ({OneLine(e.Message)}). " +
                "Install the NVIDIA driver and the CUDA and cuDNN libraries (and TensorRT's, if TensorRt is set) that this ONNX Runtime version needs";
        }

        return null;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static SessionOptions CreateOptions(ScoreOnnxOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        }

        // Spinning ONNX Runtime threads would take the cores that read and write the neighbouring batches.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");

        return sessionOptions;
    }
}
