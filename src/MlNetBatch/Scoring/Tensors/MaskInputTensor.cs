using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Tensors;

/// <summary>The mask of a padded input (<c>attention_mask</c>): 1 at each real position of a row, 0 in its padding.</summary>
internal sealed class MaskInputTensor<T>(OnnxTensorSpec spec) : InputTensor(spec)
    where T : unmanaged
{
    private static readonly T One = typeof(T) == typeof(bool) ? (T)(object)true : (T)Convert.ChangeType(1, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    private T[] _mask = [];

    public override OrtValue Create(Array staging, int start, int count, PaddedLengths lengths)
    {
        var (steps, padded) = lengths.Of(Spec.MaskOf!);
        var total = count * padded;
        if (_mask.Length < total)
        {
            _mask = new T[Math.Max(total, _mask.Length * 2)];
        }

        for (var r = 0; r < count; r++)
        {
            var row = _mask.AsSpan(r * padded, padded);
            row[..steps[r]].Fill(One);
            row[steps[r]..].Clear();
        }

        return OrtTensors.Over(_mask, 0, total, Spec.RunShape(count, padded));
    }
}
