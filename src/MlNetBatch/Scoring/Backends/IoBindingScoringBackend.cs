using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data.Columns;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// Scores through ONNX Runtime's I/O binding, the way its documentation recommends for CUDA: each slot gets native
/// host buffers once (pinned where the session's provider offers a pinned allocator), a run copies its rows into
/// them, binds them, and ONNX Runtime moves them to and from the device. Only the run itself holds a place on the
/// device's <see cref="GpuExecutor"/>; the host-side copies overlap other runs.
/// </summary>
internal sealed class IoBindingScoringBackend : IScoringBackend
{
    private readonly OnnxScoringModel _model;
    private readonly int _firstOutputColumn;
    private readonly OrtAllocator _hostAllocator;
    private readonly GpuExecutor? _executor;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly Dictionary<ScoringBatch, SlotBuffers> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly (TensorElementType Type, int Size)[] _inputTypes;
    private readonly (TensorElementType Type, int Size)[] _outputTypes;
    private readonly OrtValue?[] _inputs;
    private readonly OrtValue?[] _outputs;

    /// <param name="model">The model, whose session binds the buffers.</param>
    /// <param name="firstOutputColumn">The slot column of the model's first output; the others follow it.</param>
    /// <param name="hostAllocator">Where slot buffers come from: CUDA's pinned allocator on a GPU, the CPU allocator otherwise.</param>
    /// <param name="executor">The device's gate, or null where runs need none.</param>
    public IoBindingScoringBackend(OnnxScoringModel model, int firstOutputColumn, OrtAllocator hostAllocator, GpuExecutor? executor)
    {
        if (!CanStage(model))
        {
            throw new ArgumentException($"Model '{model.Name}' has tensors I/O binding cannot stage; score it with {nameof(CpuScoringBackend)}.", nameof(model));
        }

        _model = model;
        _firstOutputColumn = firstOutputColumn;
        _hostAllocator = hostAllocator;
        _executor = executor;
        _binding = model.Session.CreateIoBinding();
        _inputTypes = model.Inputs.Select(ElementOf).ToArray();
        _outputTypes = model.Outputs.Select(ElementOf).ToArray();
        _inputs = new OrtValue?[_inputTypes.Length];
        _outputs = new OrtValue?[_outputTypes.Length];
    }

    /// <summary>Host buffers allocated so far: one set per slot this backend has scored.</summary>
    internal int SlotBufferSets => _slots.Count;

    /// <summary>The buffers <paramref name="slot"/> is staged through, once it has been scored.</summary>
    internal SlotBuffers? BuffersOf(ScoringBatch slot) => _slots.GetValueOrDefault(slot);

    /// <summary>Whether every input and output of <paramref name="model"/> has an element type this backend can stage.</summary>
    public static bool CanStage(OnnxScoringModel model) =>
        model.Inputs.Concat(model.Outputs).All(spec =>
            // Byte for byte only: a fixed row shape, and the tensor's element type the column's own (not float16 in a float column).
            spec.HasFixedRowShape
            && StagedElementTypes.TryGet(spec.ItemType.RawType, out var elementType, out _)
            && elementType == spec.ElementType);

    /// <inheritdoc />
    public void Run(ScoringBatch slot, int start, int count)
    {
        var buffers = BuffersFor(slot);
        try
        {
            for (var i = 0; i < _inputs.Length; i++)
            {
                var spec = _model.Inputs[i];
                var input = _inputs[i] = Wrap(buffers.Input(i), _inputTypes[i], spec, count);
                Bytes(slot.InputTensors[i], start * spec.RowSize, count * spec.RowSize, _inputTypes[i].Size).CopyTo(input.GetTensorMutableRawData());
                _binding.BindInput(spec.Name, input);
            }

            for (var o = 0; o < _outputs.Length; o++)
            {
                _binding.BindOutput(_model.Outputs[o].Name, _outputs[o] = Wrap(buffers.Output(o), _outputTypes[o], _model.Outputs[o], count));
            }

            using (_executor?.Enter())
            {
                _model.Session.RunWithBinding(_runOptions, _binding);
                // Outputs copied back from the device must have landed before the host reads them.
                _binding.SynchronizeBoundOutputs();
            }

            for (var o = 0; o < _outputs.Length; o++)
            {
                var spec = _model.Outputs[o];
                var target = OutputArray(slot, o);
                _outputs[o]!.GetTensorMutableRawData().CopyTo(Bytes(target, start * spec.RowSize, count * spec.RowSize, _outputTypes[o].Size));
            }
        }
        finally
        {
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
            Release(_inputs);
            Release(_outputs);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var buffers in _slots.Values)
        {
            buffers.Dispose();
        }

        _slots.Clear();
        _binding.Dispose();
        _runOptions.Dispose();
    }

    private SlotBuffers BuffersFor(ScoringBatch slot)
    {
        if (!_slots.TryGetValue(slot, out var buffers))
        {
            var inputBytes = new long[_inputTypes.Length];
            for (var i = 0; i < inputBytes.Length; i++)
            {
                inputBytes[i] = (long)slot.InputTensors[i].Length * _inputTypes[i].Size;
            }

            var outputBytes = new long[_outputTypes.Length];
            for (var o = 0; o < outputBytes.Length; o++)
            {
                outputBytes[o] = (long)OutputArray(slot, o).Length * _outputTypes[o].Size;
            }

            _slots[slot] = buffers = SlotBuffers.Allocate(_hostAllocator, inputBytes, outputBytes);
        }

        return buffers;
    }

    /// <summary>A tensor of <paramref name="rows"/> rows over the start of a slot buffer; the buffer stays the slot's.</summary>
    /// <remarks>The allocation's handle is its pointer; it outlives the tensor, which is disposed after the run.</remarks>
    private static OrtValue Wrap(OrtMemoryAllocation buffer, (TensorElementType Type, int Size) element, OnnxTensorSpec spec, int rows) =>
        OrtValue.CreateTensorValueWithData(buffer.Info, element.Type, spec.RunShape(rows), buffer.DangerousGetHandle(), (long)rows * spec.RowSize * element.Size);

    /// <summary>The array output <paramref name="output"/>'s column keeps its rows in: fixed-shape outputs only (see <see cref="CanStage"/>).</summary>
    private Array OutputArray(ScoringBatch slot, int output) => ((IDenseColumnBuffer)slot.Rows.Columns[_firstOutputColumn + output]!).Items;

    /// <summary>The bytes of <c>array[offset .. offset + length)</c>, for arrays of a staged element type.</summary>
    private static Span<byte> Bytes(Array array, int offset, int length, int elementSize) =>
        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)offset * elementSize), length * elementSize);

    private static (TensorElementType, int) ElementOf(OnnxTensorSpec spec)
    {
        StagedElementTypes.TryGet(spec.ItemType.RawType, out var type, out var size);
        return (type, size);
    }

    private static void Release(OrtValue?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i]?.Dispose();
            values[i] = null;
        }
    }
}
