using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring;

/// <summary>Creates ONNX Runtime sessions on the requested device, falling back to the CPU under <see cref="OnnxDevice.Auto"/>.</summary>
internal static class OnnxSessionFactory
{
    public static InferenceSession Create(byte[] model, string modelName, ScoreOnnxOptions options, ILogger logger, out OnnxDevice device)
    {
        if (options.Device != OnnxDevice.Cpu)
        {
            try
            {
                using var cudaOptions = CreateOptions(options);
                cudaOptions.AppendExecutionProvider_CUDA(options.GpuDeviceId);
                device = OnnxDevice.Cuda;
                return new InferenceSession(model, cudaOptions);
            }
            catch (Exception e) when (options.Device == OnnxDevice.Auto && e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                logger.LogInformation("CUDA is not available for {Model} ({Reason}); scoring on the CPU", modelName, e.Message);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                throw new OnnxModelException(
                    $"Model '{modelName}': CUDA device {options.GpuDeviceId} could not be initialised ({e.Message}). Install the CUDA and cuDNN libraries ONNX Runtime needs, run the GPU build of the worker, or set Device to Auto or Cpu.", e);
            }
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
