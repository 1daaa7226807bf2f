using Microsoft.Extensions.Configuration;
using Microsoft.ML;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring;
using MlNetBatch.Samples.Generator.Taxi;
using MlNetBatch.Storage;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// <c>--taxi [rows]</c>: the NYC-taxi job against ML.NET's own pipeline on the same CSV (default 500,000 trips in
/// four files, with the sample's share of bad rows). The stock side is <see cref="StockTaxiPipeline"/>; the MlNetBatch
/// side runs the jobs of <c>config/taxi.json</c> (the .zip and the ONNX model) with their paths pointed at this
/// run's files. Both models are trained here, as the sample generator does.
/// </summary>
internal static class TaxiBenchmark
{
    private const int Files = 4;
    private const int Repetitions = 3;

    public static async Task RunAsync(string work, int rows)
    {
        var perFile = Math.Max(1, rows / Files);
        rows = perFile * Files;
        var csvFiles = Enumerable.Range(0, Files).Select(f => Path.Combine(work, "in", $"trips-{f:D5}.csv")).ToList();
        for (var f = 0; f < Files; f++)
        {
            TaxiFiles.WriteCsv(csvFiles[f], TaxiData.Generate(seed: 7_000 + f, (long)f * perFile, perFile));
        }

        var mlContext = new MLContext(TaxiModel.Seed);
        var model = TaxiModel.Train(mlContext, out var schema);
        var zip = Path.Combine(work, "taxi-fare.zip");
        var onnx = Path.Combine(work, "taxi-fare.onnx");
        mlContext.Model.Save(model, schema, zip);
        await using (var stream = File.Create(onnx))
        {
            TaxiModel.ExportOnnx(mlContext, model, stream);
        }

        var bytes = csvFiles.Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"Taxi benchmark: {rows:N0} trips in {Files} CSV files ({bytes / 1e6:N0} MB), {Environment.ProcessorCount} cores");

        // ML.NET's own pipeline, on a fresh MLContext as a user's program would have; the model is loaded once.
        var stockContext = new MLContext();
        var stock = new StockTaxiPipeline(stockContext, stockContext.Model.Load(zip, out _));
        var stockOutput = Path.Combine(work, "stock.csv");
        var stockRate = Measurement.RowsPerSecond(
            "stock ML.NET: LoadFromTextFile -> CustomMapping (timestamps) + Expression -> .zip Transform -> SaveAsText",
            rows,
            Repetitions,
            () => stock.Run(csvFiles, stockOutput));
        var stockWritten = File.ReadLines(stockOutput).LongCount() - 1;
        Console.WriteLine($"  stock wrote {stockWritten:N0} rows ({rows - stockWritten:N0} bad or filtered rows dropped: stock ML.NET cannot quarantine)");
        ModelAloneCeiling(stockContext, model, perFile * Files, stockRate);
        OnnxAloneCeiling(stockContext, onnx, perFile * Files, stockRate);

        foreach (var (name, modelPath) in new[] { ("taxi-zip", zip), ("taxi-onnx", onnx) })
        {
            var rate = RunJob(work, name, modelPath);
            Console.WriteLine(rate is { } r
                ? $"  {name} / stock: {r / stockRate:N2}x   (target >= 5x)"
                : $"  {name}: not run (see above)");
        }
    }

    /// <summary>
    /// The .zip model's trees alone, on features computed and cached in memory beforehand: processor time a job that
    /// scores with this model spends per row whatever else it does. With these cores fully busy on nothing else, a job
    /// cannot pass cores / that time, which bounds its ratio to stock from above.
    /// </summary>
    private static void ModelAloneCeiling(MLContext mlContext, ITransformer model, int rows, double stockRate)
    {
        var chain = (IEnumerable<ITransformer>)model;
        var featurizers = chain.SkipLast(1).ToList();
        var trees = chain.Last();
        var trips = TaxiData.Generate(seed: 9_000, 0, rows).Select(TaxiFeatures.Derive).OfType<TaxiTrainingRow>().ToList();
        var features = featurizers.Aggregate(mlContext.Data.LoadFromEnumerable(trips), (view, step) => step.Transform(view));
        var cached = mlContext.Data.Cache(features, "Features");
        var scored = trees.Transform(cached);
        var measured = Measurement.Run("the .zip model's trees alone, on cached features", trips.Count, Repetitions, () =>
        {
            using var cursor = scored.GetRowCursor([scored.Schema[TaxiModel.ScoreColumn]]);
            var score = cursor.GetGetter<float>(scored.Schema[TaxiModel.ScoreColumn]);
            float value = 0;
            while (cursor.MoveNext())
            {
                score(ref value);
            }
        });
        var ceiling = Environment.ProcessorCount * 1e6 / measured.CpuMicrosecondsPerRow / stockRate;
        Console.WriteLine($"  trees alone: {measured.CpuMicrosecondsPerRow:F2} µs of processor time per row; a job scoring this .zip on {Environment.ProcessorCount} cores cannot pass {ceiling:N2}x stock");
    }

    /// <summary>
    /// The exported ONNX model alone, through the job's own scorer (ScoreOnnx) on inputs computed and cached in memory
    /// beforehand: the processor time per row that the ONNX variant spends on scoring whatever else it does, which
    /// bounds its ratio to stock from above as <see cref="ModelAloneCeiling"/> does for the .zip.
    /// </summary>
    private static void OnnxAloneCeiling(MLContext mlContext, string onnx, int rows, double stockRate)
    {
        var trips = TaxiData.Generate(seed: 9_000, 0, rows).Select(TaxiFeatures.Derive).OfType<TaxiTrainingRow>().Cast<TaxiModelInput>().ToList();
        var inputs = mlContext.Data.Cache(mlContext.Data.LoadFromEnumerable(trips));
        // Only the prediction, as the job binds it (the export's other outputs are not wanted).
        var options = new ScoreOnnxOptions { ModelPath = onnx, Device = OnnxDevice.Cpu, OutputColumns = { ["Score.output"] = "predicted_fare" } };
        var scored = mlContext.Transforms.ScoreOnnx(options).Fit(inputs).Transform(inputs);
        var column = scored.Schema["predicted_fare"];
        var measured = Measurement.Run("the ONNX model alone (ScoreOnnx), on cached inputs", trips.Count, Repetitions, () =>
        {
            using var cursor = scored.GetRowCursor([column]);
            var score = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(column);
            var value = default(Microsoft.ML.Data.VBuffer<float>);
            while (cursor.MoveNext())
            {
                score(ref value);
            }
        });
        var ceiling = Environment.ProcessorCount * 1e6 / measured.CpuMicrosecondsPerRow / stockRate;
        Console.WriteLine($"  ONNX model alone: {measured.CpuMicrosecondsPerRow:F2} µs of processor time per row; a job scoring this .onnx on {Environment.ProcessorCount} cores cannot pass {ceiling:N2}x stock");
    }

    // --- The MlNetBatch job run. ---------------------------------------------------------------------------------------
    // The jobs are bound from config/taxi.json, so this code does not change when the stages (DateTimeParts, Filter,
    // ReplaceMissingValues, Expression) and the MlNet model kind arrive: on a branch without them the job's
    // validation fails and the message is printed instead of a figure.
    private static double? RunJob(string work, string name, string modelPath)
    {
        var job = LoadJob(name);
        // Both variants read this run's CSV files, so the two and stock ML.NET see the same input.
        job.Source = LoadJob("taxi-onnx").Source;
        job.Source.Path = Path.Combine(work, "in", "*.csv");
        job.Model.ModelPath = modelPath;
        job.Sink.Path = Path.Combine(work, $"out-{name}");
        // The bench measures speed, not the bad-row limit: BadRecordBudget weighs the bad rows of partitions still in
        // flight against the rows of committed ones only, so a ratio of 2% trips at 1.5% bad rows in large partitions.
        job.Execution.MaxBadRecords = Math.Max(job.Execution.MaxBadRecords, CountRows(work) / 20);
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(work));
        JobRunSummary? summary = null;
        try
        {
            // Restart: without it every repetition after the first would resume, finding all partitions committed.
            var rate = Measurement.RowsPerSecond($"MlNetBatch job {name} (config/taxi.json)", CountRows(work), Repetitions, () =>
                summary = runner.RunAsync(name, job, new JobRunOptions { Restart = true }, CancellationToken.None).GetAwaiter().GetResult());
            Console.WriteLine($"  {summary}");
            return rate;
        }
        catch (MlNetBatchException e)
        {
            Console.WriteLine($"  MlNetBatch job {name} cannot run on this build: {e.Message}");
            return null;
        }
    }

    private static long CountRows(string work) =>
        Directory.GetFiles(Path.Combine(work, "in"), "*.csv").Sum(f => File.ReadLines(f).LongCount() - 1);

    private static JobDefinition LoadJob(string name)
    {
        var file = Path.Combine(RepositoryRoot(), "config", "taxi.json");
        var section = new ConfigurationBuilder().AddJsonFile(file).Build().GetSection($"MlNetBatch:Jobs:{name}");
        return section.Get<JobDefinition>() ?? throw new InvalidOperationException($"{file} has no job '{name}'.");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlNetBatch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The taxi benchmark reads config/taxi.json: run it from inside the repository.");
    }
}
