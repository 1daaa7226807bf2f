namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>The Parquet encodings MlNetBatch reads or writes itself, with their numbers in the Parquet format.</summary>
internal enum ValueEncoding
{
    Plain = 0,
    Rle = 3,
    DeltaBinaryPacked = 5,
}
