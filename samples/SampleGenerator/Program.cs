using MlNetBatch.Samples.Generator;
using Microsoft.ML.OnnxRuntime;

// Usage: dotnet run --project samples/SampleGenerator -- [outputRoot]
// Without outputRoot the files go to the repo's samples folder, so the docs and tests can rely on fixed paths.
const int RowsPerFile = 5000;
const int RowGroupSize = 2000;
const int ModelSeed = 42;

if (args.Length > 1 || args is ["-h" or "--help" or "/?"])
{
    // Misuse goes to stderr so scripts that capture stdout do not mistake usage text for output.
    var usage = args.Length > 1 ? Console.Error : Console.Out;
    usage.WriteLine("Usage: dotnet run --project samples/SampleGenerator -- [outputRoot]");
    usage.WriteLine("Writes models/tabular-mlp.onnx and data/tabular/part-0000{0,1}.parquet, the text sample (models/text-vocab.txt,");
    usage.WriteLine("models/text-classifier.onnx, data/text/reviews-0000{0,1}.jsonl), data/images/ (the image sample's pictures)");
    usage.WriteLine("and models/resnet18.onnx (copied from its NuGet package) under outputRoot");
    usage.WriteLine("(default: the samples folder next to MlNetBatch.sln).");
    return args.Length > 1 ? 2 : 0;
}

string root;
if (args.Length == 1)
{
    root = Path.GetFullPath(args[0]);
}
else
{
    var repo = FindRepoRoot(Directory.GetCurrentDirectory());
    if (repo is null)
    {
        Console.Error.WriteLine("Could not find MlNetBatch.sln above the current directory; pass outputRoot explicitly.");
        return 2;
    }

    root = Path.Combine(repo, "samples");
}

var modelPath = Path.Combine(root, "models", "tabular-mlp.onnx");
var model = TabularModel.Build(ModelSeed);
Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
await File.WriteAllBytesAsync(modelPath, model);
Console.WriteLine($"wrote {modelPath} ({model.Length:N0} bytes)");

var dataDirectory = Path.Combine(root, "data", "tabular");
long nextId = 0;
for (var part = 0; part < 2; part++)
{
    var path = Path.Combine(dataDirectory, $"part-{part:D5}.parquet");

    // A distinct seed per file, and ids continuing across files, so a job reading both sees unique keys.
    await TabularData.WriteParquetAsync(path, nextId, RowsPerFile, RowGroupSize, seed: part + 1);
    Console.WriteLine(
        $"wrote {path} ({new FileInfo(path).Length:N0} bytes, ids {nextId}..{nextId + RowsPerFile - 1}, row groups of {RowGroupSize})");
    nextId += RowsPerFile;
}

await TextSample.WriteAsync(root, Console.Out);
OcrScreens.WriteSample(Path.Combine(root, "data", "ocr"), Console.Out);
await MlNetBatch.Samples.Generator.Taxi.TaxiSample.WriteAsync(root, Console.Out);
var imagePaths = ImageSamples.WriteFolder(Path.Combine(root, "data", "images"));
Console.WriteLine($"wrote {imagePaths.Count} images (JPEG and PNG) under {Path.Combine(root, "data", "images")}");
var resnet = ImageSamples.CopyResNet18(Path.Combine(root, "models"));
Console.WriteLine($"copied the ResNet18 model of Microsoft.ML.DnnImageFeaturizer.ResNet18 (MIT) to {resnet}");

var failure = SelfCheck(model);
if (failure is not null)
{
    Console.Error.WriteLine($"self-check failed: {failure}");
    return 1;
}

Console.WriteLine("self-check passed: ONNX Runtime loaded the model and a batch of 3 gave valid probabilities and labels");
return 0;

static string? FindRepoRoot(string start)
{
    for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "MlNetBatch.sln")))
        {
            return directory.FullName;
        }
    }

    return null;
}

// Proves the hand-encoded protobuf is a model ORT accepts, and that the symbolic batch dim really varies.
static string? SelfCheck(byte[] model)
{
    const int batch = 3;
    const double tolerance = 1e-5;

    var random = new Random(7);
    var features = new float[batch * TabularModel.FeatureCount];
    for (var i = 0; i < features.Length; i++)
    {
        features[i] = (float)(random.NextDouble() * 4.0 - 2.0);
    }

    using var session = new InferenceSession(model);
    using var input = OrtValue.CreateTensorValueFromMemory(features, [batch, TabularModel.FeatureCount]);
    using var runOptions = new RunOptions();
    using var results = session.Run(
        runOptions,
        new Dictionary<string, OrtValue> { [TabularModel.InputName] = input },
        [TabularModel.ProbabilitiesName, TabularModel.LabelName]);

    var probabilitiesShape = results[0].GetTensorTypeAndShape().Shape;
    var labelShape = results[1].GetTensorTypeAndShape().Shape;
    if (probabilitiesShape is not [batch, TabularModel.ClassCount] || labelShape is not [batch])
    {
        return $"unexpected output shapes [{string.Join(",", probabilitiesShape)}] and [{string.Join(",", labelShape)}]";
    }

    var probabilities = results[0].GetTensorDataAsSpan<float>();
    var labels = results[1].GetTensorDataAsSpan<long>();
    for (var row = 0; row < batch; row++)
    {
        var rowProbabilities = probabilities.Slice(row * TabularModel.ClassCount, TabularModel.ClassCount);
        double sum = 0;
        var argMax = 0;
        for (var c = 0; c < rowProbabilities.Length; c++)
        {
            sum += rowProbabilities[c];
            if (rowProbabilities[c] > rowProbabilities[argMax])
            {
                argMax = c;
            }
        }

        if (Math.Abs(sum - 1.0) > tolerance)
        {
            return $"row {row}: probabilities sum to {sum:R}, not 1";
        }

        if (labels[row] != argMax)
        {
            return $"row {row}: label {labels[row]} but argmax of probabilities is {argMax}";
        }
    }

    return null;
}
