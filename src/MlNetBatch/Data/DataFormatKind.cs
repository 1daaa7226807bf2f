namespace MlNetBatch.Data;

/// <summary>The file formats MlNetBatch reads and writes.</summary>
public enum DataFormatKind
{
    /// <summary>Apache Parquet.</summary>
    Parquet,

    /// <summary>Comma- (or otherwise) separated values.</summary>
    Csv,

    /// <summary>One JSON object per line.</summary>
    JsonLines,
}
