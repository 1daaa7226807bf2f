namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>Parquet's page types.</summary>
internal enum PageKind
{
    Data = 0,
    Index = 1,
    Dictionary = 2,
    DataV2 = 3,
}
