namespace MlNetBatch.Storage;

/// <summary>The read settings every store built on <see cref="RangedObjectStream"/> offers, with their one set of rules.</summary>
public abstract class RangedReadOptions
{
    private const int MinimumReadBlockBytes = 64 << 10;
    private const int MaximumBufferBytes = 1 << 30;

    /// <summary>Bytes fetched per ranged request when a reader asks for less (larger reads are fetched as one range).</summary>
    /// <value>The default is 4 MiB; at least 64 KiB.</value>
    public int ReadBlockBytes { get; set; } = RangedObjectStream.DefaultBlockSize;

    /// <summary>Bytes fetched in the background ahead of a reader that moves forward sequentially; 0 turns read-ahead off.</summary>
    /// <value>The default is 8 MiB; at most 1 GiB.</value>
    public int ReadAheadBytes { get; set; } = 8 << 20;

    /// <summary>What is wrong with the read settings, each as <c>Property: problem</c>.</summary>
    public IEnumerable<string> ReadProblems()
    {
        if (ReadBlockBytes is < MinimumReadBlockBytes or > MaximumBufferBytes)
        {
            yield return $"ReadBlockBytes: must be from {MinimumReadBlockBytes} (64 KiB) to {MaximumBufferBytes} (1 GiB); it is {ReadBlockBytes}.";
        }

        if (ReadAheadBytes is < 0 or > MaximumBufferBytes)
        {
            yield return $"ReadAheadBytes: must be from 0 (no read-ahead) to {MaximumBufferBytes} (1 GiB); it is {ReadAheadBytes}.";
        }
    }
}
