// An ordinary ML.NET program that uses MlNetBatch: a streaming Parquet source, a stock transform,
// batched ONNX scoring, a saved model that plain ML.NET can load, and results written to Parquet.
// Usage: dotnet run --project samples/EmbeddingSample -- [samplesFolder] [outputFolder]
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;

var samples = args.Length > 0 ? args[0] : FindSamplesFolder();
var output = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "mlnetbatch-embedding-sample");
Directory.CreateDirectory(output);

var mlContext = new MLContext(seed: 0);
var features = Enumerable.Range(0, 16).Select(i => $"f{i:D2}").ToArray();

// Streams row groups from every file the glob matches; nothing is read until a cursor asks.
IDataView data = mlContext.Data.LoadFromParquet(Path.Combine(samples, "data", "tabular", "*.parquet"));

var pipeline = mlContext.Transforms.Concatenate("features", features)
    .Append(mlContext.Transforms.ScoreOnnx(Path.Combine(samples, "models", "tabular-mlp.onnx"), batchSize: 1024));

var model = pipeline.Fit(data);
var scored = model.Transform(data);

var modelPath = Path.Combine(output, "model.zip");
mlContext.Model.Save(model, data.Schema, modelPath);

var scoresPath = Path.Combine(output, "scores.parquet");
var rows = mlContext.Data.SaveAsParquet(scored, scoresPath, "id", "probabilities", "label");

Console.WriteLine($"Scored {rows} rows into {scoresPath}; model saved to {modelPath}");
return 0;

static string FindSamplesFolder()
{
    for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "MlNetBatch.sln")))
        {
            return Path.Combine(directory.FullName, "samples");
        }
    }

    throw new DirectoryNotFoundException("Run from inside the repository, or pass the samples folder as the first argument.");
}
