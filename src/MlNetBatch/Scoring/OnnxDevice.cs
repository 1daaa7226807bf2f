namespace MlNetBatch.Scoring;

/// <summary>Where ONNX Runtime runs a model.</summary>
public enum OnnxDevice
{
    /// <summary>Use CUDA when it can be initialised, otherwise the CPU (the reason is logged).</summary>
    Auto,

    /// <summary>Always the CPU.</summary>
    Cpu,

    /// <summary>Always CUDA on <see cref="ScoreOnnxOptions.GpuDeviceId"/>; failing to initialise it is an error.</summary>
    Cuda,
}
