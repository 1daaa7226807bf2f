namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>The Parquet encodings the page decoder tells apart; any other value is simply not <see cref="Plain"/>.</summary>
internal enum ValueEncoding
{
    Plain = 0,
    Rle = 3,
}
