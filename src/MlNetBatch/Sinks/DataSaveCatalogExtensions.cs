using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Sinks;

/// <summary>
/// <c>mlContext.Data.SaveAsParquet(...)</c>, <c>SaveAsCsv</c> and <c>SaveAsJsonLines</c>: write a data view's columns
/// (all visible ones unless <c>columns</c> names some) to a file, atomically, or to a stream, as ML.NET's
/// <c>SaveAsText(data, stream)</c> does. A stream is left open. Each returns the rows written; the <c>…Async</c>
/// variants honour a cancellation token.
/// </summary>
public static class DataSaveCatalogExtensions
{
    /// <summary>Writes a Parquet file; it appears under its name only when complete.</summary>
    public static long SaveAsParquet(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Wait(catalog.SaveAsParquetAsync(data, path, options: null, columns));

    /// <summary>Writes a Parquet file with the codec and row-group size of <paramref name="options"/>.</summary>
    public static long SaveAsParquet(this DataOperationsCatalog catalog, IDataView data, string path, ParquetSinkOptions options, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Wait(catalog.SaveAsParquetAsync(data, path, options, columns));
    }

    /// <summary>Writes Parquet to <paramref name="stream"/>.</summary>
    public static long SaveAsParquet(this DataOperationsCatalog catalog, IDataView data, Stream stream, params string[] columns) =>
        Wait(catalog.SaveAsParquetAsync(data, stream, options: null, columns));

    /// <summary>Writes Parquet to <paramref name="stream"/> with the codec and row-group size of <paramref name="options"/>.</summary>
    public static long SaveAsParquet(this DataOperationsCatalog catalog, IDataView data, Stream stream, ParquetSinkOptions options, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Wait(catalog.SaveAsParquetAsync(data, stream, options, columns));
    }

    /// <summary>Writes a Parquet file (default settings when <paramref name="options"/> is null).</summary>
    public static Task<long> SaveAsParquetAsync(
        this DataOperationsCatalog catalog, IDataView data, string path, ParquetSinkOptions? options = null,
        IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default) =>
        SaveAsync(catalog, data, path, DataFormatKind.Parquet, columns, options, cancellationToken);

    /// <summary>Writes Parquet to <paramref name="stream"/> (default settings when <paramref name="options"/> is null).</summary>
    public static Task<long> SaveAsParquetAsync(
        this DataOperationsCatalog catalog, IDataView data, Stream stream, ParquetSinkOptions? options = null,
        IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default) =>
        SaveAsync(catalog, data, stream, DataFormatKind.Parquet, columns, options, cancellationToken);

    /// <summary>Writes a CSV file with a header line; a vector column becomes one column per item (<c>name.0</c>, <c>name.1</c>…).</summary>
    public static long SaveAsCsv(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Wait(catalog.SaveAsCsvAsync(data, path, columns));

    /// <summary>Writes CSV with a header line to <paramref name="stream"/>.</summary>
    public static long SaveAsCsv(this DataOperationsCatalog catalog, IDataView data, Stream stream, params string[] columns) =>
        Wait(catalog.SaveAsCsvAsync(data, stream, columns));

    /// <summary>Writes a CSV file with a header line.</summary>
    public static Task<long> SaveAsCsvAsync(
        this DataOperationsCatalog catalog, IDataView data, string path, IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default) =>
        SaveAsync(catalog, data, path, DataFormatKind.Csv, columns, parquet: null, cancellationToken);

    /// <summary>Writes CSV with a header line to <paramref name="stream"/>.</summary>
    public static Task<long> SaveAsCsvAsync(
        this DataOperationsCatalog catalog, IDataView data, Stream stream, IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default) =>
        SaveAsync(catalog, data, stream, DataFormatKind.Csv, columns, parquet: null, cancellationToken);

    /// <summary>Writes a JSON Lines file: one object per row.</summary>
    public static long SaveAsJsonLines(this DataOperationsCatalog catalog, IDataView data, string path, params string[] columns) =>
        Wait(catalog.SaveAsJsonLinesAsync(data, path, columns));

    /// <summary>Writes JSON Lines to <paramref name="stream"/>.</summary>
    public static long SaveAsJsonLines(this DataOperationsCatalog catalog, IDataView data, Stream stream, params string[] columns) =>
        Wait(catalog.SaveAsJsonLinesAsync(data, stream, columns));

    /// <summary>Writes a JSON Lines file: one object per row.</summary>
    public static Task<long> SaveAsJsonLinesAsync(
        this DataOperationsCatalog catalog, IDataView data, string path, IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default) =>
        SaveAsync(catalog, data, path, DataFormatKind.JsonLines, columns, parquet: null, cancellationToken);

    /// <summary>Writes JSON Lines to <paramref name="stream"/>.</summary>
    public static Task<long> SaveAsJsonLinesAsync(
        this DataOperationsCatalog catalog, IDataView data, Stream stream, IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default) =>
        SaveAsync(catalog, data, stream, DataFormatKind.JsonLines, columns, parquet: null, cancellationToken);

    private static Task<long> SaveAsync(
        DataOperationsCatalog catalog, IDataView data, string path, DataFormatKind format, IReadOnlyList<string>? columns,
        ParquetSinkOptions? parquet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return DataViewWriter.WriteAsync(data, ObjectLocation.Parse(path), format, columns, parquet: parquet, cancellationToken: cancellationToken);
    }

    private static Task<long> SaveAsync(
        DataOperationsCatalog catalog, IDataView data, Stream stream, DataFormatKind format, IReadOnlyList<string>? columns,
        ParquetSinkOptions? parquet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return DataViewWriter.WriteAsync(data, stream, format, columns, parquet: parquet, cancellationToken: cancellationToken);
    }

    // The synchronous API is ML.NET's shape; the writer is asynchronous.
    private static long Wait(Task<long> write) => write.GetAwaiter().GetResult();
}
