namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>The Parquet storage types MlNetBatch writes itself, with their numbers in the Parquet format.</summary>
internal enum PhysicalType
{
    Int32 = 1,
    Int64 = 2,
    Float = 4,
    Double = 5,
    ByteArray = 6,
}
