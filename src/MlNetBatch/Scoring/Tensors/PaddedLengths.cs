namespace MlNetBatch.Scoring.Tensors;

/// <summary>What the padded inputs of the current run hold: each row's length and the padded length, for the masks that follow them.</summary>
internal sealed class PaddedLengths
{
    private readonly Dictionary<string, (int[] Lengths, int Padded)> _byInput = new(StringComparer.Ordinal);

    /// <summary>Records the lengths (in steps of the padded dimension) of <paramref name="input"/>'s rows in this run; the array is reused.</summary>
    public int[] Rent(string input, int rows)
    {
        if (!_byInput.TryGetValue(input, out var entry) || entry.Lengths.Length < rows)
        {
            entry = (new int[Math.Max(rows, entry.Lengths?.Length * 2 ?? 0)], 0);
            _byInput[input] = entry;
        }

        return entry.Lengths;
    }

    /// <summary>Sets the length <paramref name="input"/>'s rows are padded to in this run.</summary>
    public void SetPadded(string input, int padded) => _byInput[input] = (_byInput[input].Lengths, padded);

    /// <summary>The row lengths and padded length of <paramref name="input"/> in this run.</summary>
    public (int[] Lengths, int Padded) Of(string input) => _byInput[input];
}
