using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>
/// An input fed by vectors of varying length (token ids): each run is padded with zeros (default values) at the end of
/// each row to the run's longest row, along the first dimension after the batch.
/// </summary>
internal sealed class PaddedInputTensor<T>(OnnxTensorSpec spec) : InputTensor(spec)
    where T : unmanaged
{
    private readonly Type? _halfType = OnnxElementTypes.IsConverted(spec.ElementType) ? OnnxElementTypes.TensorClrType(spec.ElementType, spec.ItemType) : null;
    private Array? _padded;
    private Array? _half;

    public override OrtValue Create(Array staging, int start, int count, PaddedLengths lengths)
    {
        var rows = ((VBuffer<T>[])staging).AsSpan(start, count);
        var steps = lengths.Rent(Spec.Name, count);
        var longest = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            if (rows[r].Length % Spec.StepSize != 0)
            {
                throw new OnnxModelException(
                    $"Input '{Spec.Name}' {Spec.Shape}: a row has {rows[r].Length} values, which is not a whole number of steps of {Spec.StepSize}.");
            }

            steps[r] = rows[r].Length / Spec.StepSize;
            longest = Math.Max(longest, steps[r]);
        }

        lengths.SetPadded(Spec.Name, longest);
        var rowLength = longest * Spec.StepSize;
        var total = count * rowLength;
        var padded = (T[])Ensure(ref _padded, typeof(T), total);
        for (var r = 0; r < rows.Length; r++)
        {
            var target = padded.AsSpan(r * rowLength, rowLength);
            // CopyTo densifies a sparse row; the tail after it is the padding.
            rows[r].CopyTo(target[..rows[r].Length]);
            target[rows[r].Length..].Clear();
        }

        var shape = Spec.RunShape(count, longest);
        if (_halfType is null)
        {
            return OrtTensors.Over(padded, 0, total, shape);
        }

        var half = Ensure(ref _half, _halfType, total);
        HalfPrecision.Narrow(((float[])(object)padded).AsSpan(0, total), half);
        return OrtTensors.Over(half, 0, total, shape);
    }
}
