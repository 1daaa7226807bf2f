using System.Reflection;
using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Tests.Scoring.Backends;

/// <summary>
/// ONNX Runtime's own exceptions, as its CUDA provider throws them. Its constructor and error codes are internal,
/// so they are made through reflection; the messages are the ones its allocators write.
/// </summary>
internal static class OnnxRuntimeErrors
{
    /// <summary>What the CUDA BFC arena reports when a kernel's buffer does not fit (as in microsoft/onnxruntime#16307 and #22702).</summary>
    public const string ArenaOutOfMemory =
        "Non-zero status code returned while running Conv node. Name:'/stages.0/blocks.0/fc1/Conv' Status Message: " +
        "/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, " +
        "onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of size 939524096";

    /// <summary>What a cudaMalloc outside the arena reports (CUDA_CALL_THROW).</summary>
    public const string CudaMallocOutOfMemory =
        "/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:129 std::conditional_t<THRW, void, onnxruntime::common::Status> " +
        "onnxruntime::CudaCall(...) CUDA failure 2: out of memory ; GPU=0 ; hostname=gpu-node ; file=cuda_allocator.cc ; line=47 ; expr=cudaMalloc((void**)&p, size);";

    /// <summary>What a data error looks like: an index out of range in a Gather.</summary>
    public const string BadIndex =
        "Non-zero status code returned while running Gather node. Name:'' Status Message: indices element out of data bounds, idx=9 must be within the inclusive range [-4,3]";

    /// <summary>An <see cref="OnnxRuntimeException"/> with ONNX Runtime's <c>RuntimeException</c> code and <paramref name="message"/>.</summary>
    public static OnnxRuntimeException RuntimeException(string message)
    {
        var codeType = typeof(OnnxRuntimeException).Assembly.GetType("Microsoft.ML.OnnxRuntime.ErrorCode", throwOnError: true)!;
        var code = Enum.Parse(codeType, "RuntimeException");
        var constructor = typeof(OnnxRuntimeException).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [codeType, typeof(string)])!;
        return (OnnxRuntimeException)constructor.Invoke([code, message]);
    }
}
