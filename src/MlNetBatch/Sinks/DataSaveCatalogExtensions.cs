using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Sinks;

/// <summary><c>mlContext.Data.SaveAsParquet(...)</c> and friends: write a data view to a file atomically.</summary>
public static class DataSaveCatalogExtensions
{
    /// <summary>Writes the view's columns (all visible ones unless <paramref name="columns"/> names some) to a Parquet file.</summary>
    public static long SaveAsParquet(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Save(data, path, DataFormatKind.Parquet, columns);

    /// <summary>Writes the view's columns to a CSV file with a header.</summary>
    public static long SaveAsCsvFile(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Save(data, path, DataFormatKind.Csv, columns);

    /// <summary>Writes the view's columns to a JSON Lines file.</summary>
    public static long SaveAsJsonLines(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Save(data, path, DataFormatKind.JsonLines, columns);

    private static long Save(IDataView data, string path, DataFormatKind format, string[] columns) =>
        DataViewWriter.WriteAsync(data, ObjectLocation.Parse(path), format, columns).GetAwaiter().GetResult();
}
