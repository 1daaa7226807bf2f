namespace MlNetBatch.Storage;

/// <summary>
/// The read settings every store built on <see cref="RangedObjectStream"/> offers; their one set of rules is
/// <see cref="StorageOptionsValidator{TOptions}"/>'s.
/// </summary>
public abstract class RangedReadOptions
{
    /// <summary>Bytes fetched per ranged request when a reader asks for less (larger reads are fetched as one range).</summary>
    /// <value>The default is 4 MiB; at least 64 KiB.</value>
    public int ReadBlockBytes { get; set; } = RangedObjectStream.DefaultBlockSize;

    /// <summary>Bytes fetched in the background ahead of a reader that moves forward sequentially; 0 turns read-ahead off.</summary>
    /// <value>The default is 8 MiB; at most 1 GiB.</value>
    public int ReadAheadBytes { get; set; } = 8 << 20;
}
