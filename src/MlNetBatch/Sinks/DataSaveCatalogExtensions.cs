using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Sinks;

/// <summary><c>mlContext.Data.SaveAsParquet(...)</c> and friends: write a data view to a file atomically.</summary>
public static class DataSaveCatalogExtensions
{
    /// <summary>Writes the view's columns (all visible ones unless <paramref name="columns"/> names some) to a Parquet file.</summary>
    public static long SaveAsParquet(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Save(data, path, DataFormatKind.Parquet, columns, parquet: null);

    /// <summary>
    /// Writes the view's columns (all visible ones unless <paramref name="columns"/> names some) to a Parquet file with
    /// the codec and row-group size of <paramref name="options"/>.
    /// </summary>
    public static long SaveAsParquet(this DataOperationsCatalog catalog, IDataView data, string path, ParquetSinkOptions options, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Save(data, path, DataFormatKind.Parquet, columns, options);
    }

    /// <summary>Writes the view's columns to a CSV file with a header.</summary>
    public static long SaveAsCsvFile(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Save(data, path, DataFormatKind.Csv, columns, parquet: null);

    /// <summary>Writes the view's columns to a JSON Lines file.</summary>
    public static long SaveAsJsonLines(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Save(data, path, DataFormatKind.JsonLines, columns, parquet: null);

    private static long Save(IDataView data, string path, DataFormatKind format, string[] columns, ParquetSinkOptions? parquet) =>
        DataViewWriter.WriteAsync(data, ObjectLocation.Parse(path), format, columns, parquet: parquet).GetAwaiter().GetResult();
}
