using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>How much of a column chunk Arrow reads at a time, and in what pieces a remote object is fetched.</summary>
/// <param name="BufferBytes">
/// Arrow's read buffer per column: it reads a chunk this much at a time instead of whole, so a huge row group costs
/// this much per column (plus the page being decoded), never the row group.
/// </param>
/// <param name="RemoteSegmentBytes">The pieces a remote object is fetched in, one ranged request each (see <see cref="SegmentCachingStream"/>).</param>
internal sealed record ChunkReadPolicy(int BufferBytes, int RemoteSegmentBytes)
{
    /// <summary>
    /// The policy of every job. 64 KiB reads keep memory churn low: ParquetSharp copies each read through a new
    /// managed array (below 85 KB it stays off the large-object heap), and larger native buffers were fresh memory
    /// from the OS for every partition. Remote segments of 4 MiB go from the ranged stream straight into one request
    /// (<see cref="RangedObjectStream.DefaultBlockSize"/>).
    /// </summary>
    public static ChunkReadPolicy Default { get; } = new(64 << 10, RangedObjectStream.DefaultBlockSize);
}
