using Microsoft.ML;

namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>
/// Writes the NYC-taxi sample under a root folder: <c>data/taxi/trips-0000{0,1}.{csv,parquet}</c> (the same trips in
/// both formats) and the fare model as <c>models/taxi-fare.zip</c> and <c>models/taxi-fare.onnx</c>.
/// </summary>
public static class TaxiSample
{
    /// <summary>Trips per file.</summary>
    public const int TripsPerFile = 2000;

    /// <summary>Files per format.</summary>
    public const int Files = 2;

    /// <summary>Rows per Parquet row group.</summary>
    public const int RowGroupSize = 1000;

    /// <summary>The seed of file <paramref name="file"/>'s trips.</summary>
    public static int FileSeed(int file) => 100 + file;

    /// <summary>The trips of file <paramref name="file"/>; ids continue across files.</summary>
    public static IReadOnlyList<TaxiTrip> FileTrips(int file) => TaxiData.Generate(FileSeed(file), (long)file * TripsPerFile, TripsPerFile).ToList();

    /// <summary>The path of file <paramref name="file"/> with <paramref name="extension"/> under <paramref name="root"/>.</summary>
    public static string DataPath(string root, int file, string extension) => Path.Combine(root, "data", "taxi", $"trips-{file:D5}.{extension}");

    /// <summary>The .zip model's path under <paramref name="root"/>.</summary>
    public static string ZipModelPath(string root) => Path.Combine(root, "models", "taxi-fare.zip");

    /// <summary>The ONNX model's path under <paramref name="root"/>.</summary>
    public static string OnnxModelPath(string root) => Path.Combine(root, "models", "taxi-fare.onnx");

    /// <summary>Writes the data files and both forms of the model; reports each file on <paramref name="log"/>.</summary>
    public static async Task WriteAsync(string root, TextWriter log)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(log);
        for (var file = 0; file < Files; file++)
        {
            var trips = FileTrips(file);
            var csv = DataPath(root, file, "csv");
            TaxiFiles.WriteCsv(csv, trips);
            var parquet = DataPath(root, file, "parquet");
            TaxiFiles.WriteParquet(parquet, trips, RowGroupSize);
            log.WriteLine($"wrote {csv} and {parquet} ({trips.Count:N0} trips each, ids {trips[0].TripId}..{trips[^1].TripId})");
        }

        var mlContext = new MLContext(TaxiModel.Seed);
        var model = TaxiModel.Train(mlContext, out var schema);
        var zip = ZipModelPath(root);
        Directory.CreateDirectory(Path.GetDirectoryName(zip)!);
        mlContext.Model.Save(model, schema, zip);
        log.WriteLine($"wrote {zip} ({new FileInfo(zip).Length:N0} bytes)");

        var onnx = OnnxModelPath(root);
        try
        {
            await using var stream = File.Create(onnx);
            TaxiModel.ExportOnnx(mlContext, model, stream);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            // The .zip stays usable; say why the ONNX form is missing rather than leave a half-written file.
            File.Delete(onnx);
            log.WriteLine($"ONNX export of the taxi model failed: {e.Message}");
            return;
        }

        log.WriteLine($"wrote {onnx} ({new FileInfo(onnx).Length:N0} bytes)");
    }
}
