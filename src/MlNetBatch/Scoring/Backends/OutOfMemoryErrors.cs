using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// Tells an out-of-memory failure from a failure caused by the data. ONNX Runtime reports both as an
/// <see cref="OnnxRuntimeException"/> with the error code <c>RuntimeException</c> (its C# API does not expose the
/// code), so the allocators' own messages are what tells them apart.
/// </summary>
internal static class OutOfMemoryErrors
{
    // What ONNX Runtime's allocators put in the message:
    // - the BFC arena (CUDA's default allocator, also the CPU arena): "onnxruntime::BFCArena::AllocateRawInternal(...)
    //   Failed to allocate memory for requested buffer of size 939524096";
    // - a cudaMalloc that fails outside the arena (CUDA_CALL_THROW): "CUDA failure 2: out of memory ; GPU=0 ; ...";
    // - CUDA's own error names, seen from cuBLAS/cuDNN workspaces: "cudaErrorMemoryAllocation", "CUBLAS_STATUS_ALLOC_FAILED",
    //   "CUDNN_STATUS_ALLOC_FAILED".
    private static readonly string[] Markers =
    [
        "Failed to allocate memory for requested buffer",
        "out of memory",
        "cudaErrorMemoryAllocation",
        "CUBLAS_STATUS_ALLOC_FAILED",
        "CUDNN_STATUS_ALLOC_FAILED",
    ];

    /// <summary>Whether <paramref name="exception"/> is ONNX Runtime running out of memory, which a smaller batch may avoid.</summary>
    public static bool IsOutOfMemory(Exception exception)
    {
        if (exception is not OnnxRuntimeException)
        {
            return false;
        }

        foreach (var marker in Markers)
        {
            if (exception.Message.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
