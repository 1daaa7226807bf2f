using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// The native host buffers one slot is staged through, one per model input and output, each large enough for the
/// whole slot. Allocated on the slot's first run and reused for every later one; on a GPU they are pinned
/// (page-locked), so ONNX Runtime copies them to and from the device by DMA.
/// </summary>
internal sealed class SlotBuffers : IDisposable
{
    private readonly OrtMemoryAllocation[] _inputs;
    private readonly OrtMemoryAllocation[] _outputs;

    private SlotBuffers(OrtMemoryAllocation[] inputs, OrtMemoryAllocation[] outputs)
    {
        _inputs = inputs;
        _outputs = outputs;
    }

    /// <summary>The buffer of model input <paramref name="index"/>.</summary>
    public OrtMemoryAllocation Input(int index) => _inputs[index];

    /// <summary>The buffer of model output <paramref name="index"/>.</summary>
    public OrtMemoryAllocation Output(int index) => _outputs[index];

    /// <summary>Allocates buffers for <paramref name="inputBytes"/> and <paramref name="outputBytes"/> from <paramref name="allocator"/>.</summary>
    public static SlotBuffers Allocate(OrtAllocator allocator, long[] inputBytes, long[] outputBytes)
    {
        var allocated = new List<OrtMemoryAllocation>();
        try
        {
            var inputs = inputBytes.Select(bytes => Take(allocator, bytes, allocated)).ToArray();
            var outputs = outputBytes.Select(bytes => Take(allocator, bytes, allocated)).ToArray();
            return new SlotBuffers(inputs, outputs);
        }
        catch
        {
            allocated.ForEach(a => a.Dispose());
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var buffer in _inputs.Concat(_outputs))
        {
            buffer.Dispose();
        }
    }

    private static OrtMemoryAllocation Take(OrtAllocator allocator, long bytes, List<OrtMemoryAllocation> allocated)
    {
        if (bytes > uint.MaxValue)
        {
            throw new OnnxModelException($"A batch needs a {bytes / (1 << 20):N0} MiB tensor, more than ONNX Runtime's allocator hands out at once (4 GiB); set a smaller BatchSize.");
        }

        // At least one byte: a slot of zero-sized tensors still needs a valid pointer to bind.
        var allocation = allocator.Allocate((uint)Math.Max(1, bytes));
        allocated.Add(allocation);
        return allocation;
    }
}
