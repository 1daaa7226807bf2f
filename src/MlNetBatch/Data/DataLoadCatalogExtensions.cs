using Microsoft.ML;
using MlNetBatch.Storage;

namespace MlNetBatch.Data;

/// <summary>
/// <c>mlContext.Data.LoadFromParquet(...)</c> and friends: streaming, partitioned sources over a path, directory or glob.
/// Opening lists the files and reads what schema inference needs; rows are read only when a cursor asks.
/// </summary>
public static class DataLoadCatalogExtensions
{
    /// <summary>Reads Parquet files; list columns become fixed-size vectors.</summary>
    public static PartitionedDataView LoadFromParquet(this DataOperationsCatalog catalog, string path, DataSourceOptions? options = null) =>
        catalog.LoadFrom(path, DataFormatKind.Parquet, options);

    /// <summary>Reads CSV files (header expected unless <see cref="DataSourceOptions.HasHeader"/> is false).</summary>
    public static PartitionedDataView LoadFromCsv(this DataOperationsCatalog catalog, string path, DataSourceOptions? options = null) =>
        catalog.LoadFrom(path, DataFormatKind.Csv, options);

    /// <summary>Reads JSON Lines files.</summary>
    public static PartitionedDataView LoadFromJsonLines(this DataOperationsCatalog catalog, string path, DataSourceOptions? options = null) =>
        catalog.LoadFrom(path, DataFormatKind.JsonLines, options);

    /// <summary>Reads plain text files, one row per line, into one text column (<c>text</c> unless the options declare another name).</summary>
    public static PartitionedDataView LoadFromTextLines(this DataOperationsCatalog catalog, string path, DataSourceOptions? options = null) =>
        catalog.LoadFrom(path, DataFormatKind.Text, options);
    /// <summary>
    /// Reads image files (JPEG, PNG, BMP, WebP) from a folder, glob, prefix or URL on any store, one row per image:
    /// <c>path</c> and <c>bytes</c> (the encoded file). Other files in a folder are left out. Decode with the
    /// <c>DecodeImage</c> stage (<c>mlContext.Transforms.DecodeImage</c>).
    /// </summary>
    public static PartitionedDataView LoadImages(this DataOperationsCatalog catalog, string path, DataSourceOptions? options = null, ObjectStoreResolver? resolver = null) =>
        catalog.LoadFrom(path, DataFormatKind.Images, options, resolver);

    /// <summary>Reads files of the given format (or the one their extension names when <paramref name="format"/> is null).</summary>
    public static PartitionedDataView LoadFrom(
        this DataOperationsCatalog catalog, string path, DataFormatKind? format, DataSourceOptions? options = null, ObjectStoreResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        options = options?.Clone() ?? new DataSourceOptions();
        options.Format = format ?? options.Format;
        return PartitionedDataSource.OpenAsync(path, options, resolver).GetAwaiter().GetResult().AsDataView();
    }
}
