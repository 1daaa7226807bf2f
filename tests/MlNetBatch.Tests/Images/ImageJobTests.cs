using System.Text.Json;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Testing.Images;
using MlNetBatch.Tests.Support;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>
/// Jobs over image folders: decode, resize and ToTensor feeding an ONNX model (an Identity over [N, 3, 4, 4], so the
/// output is the tensor the stages built), written to Parquet with each image's path.
/// </summary>
public class ImageJobTests
{
    internal const int Side = 4;

    [Fact]
    public async Task Corrupt_truncated_and_non_image_files_are_quarantined_with_their_paths_and_the_others_scored()
    {
        using var dir = new TempDirectory();
        var good = ImageFolders.WriteScenes(dir.Combine("in"), 9, Side, Side);
        var jpeg = ImageFolders.Write(dir.Combine("in", "whole.jpg"), GeneratedImages.Scene(40, 30, seed: 1), SKEncodedImageFormat.Jpeg);
        File.WriteAllBytes(dir.Combine("in", "truncated.jpg"), jpeg[..(jpeg.Length / 2)]);
        File.WriteAllBytes(dir.Combine("in", "not an image.png"), "this is text, not a PNG"u8.ToArray());
        File.WriteAllBytes(dir.Combine("in", "empty.png"), []);
        var job = Job(dir, filesPerPartition: 4);
        job.Execution.MaxBadRecords = 5;

        var summary = await Runner(dir).RunAsync("corrupt", job);

        Assert.Equal(3, summary.BadRows);
        Assert.Equal(10, summary.RowsOut);
        var quarantined = Quarantine(dir.Combine("out"));
        Assert.Equal(
            [dir.Combine("in", "empty.png"), dir.Combine("in", "not an image.png"), dir.Combine("in", "truncated.jpg")],
            quarantined.Select(r => r.File).Order(StringComparer.Ordinal));
        Assert.Contains(quarantined, r => r.File.EndsWith("truncated.jpg", StringComparison.Ordinal) && r.Reason.Contains("truncated", StringComparison.Ordinal));
        Assert.All(quarantined, r => Assert.StartsWith("DecodeImage: ", r.Reason, StringComparison.Ordinal));
        Assert.All(quarantined, r => Assert.Contains("#files=", r.Partition, StringComparison.Ordinal));
        var scored = Outputs(dir.Combine("out"));
        Assert.Equal(good.Append(dir.Combine("in", "whole.jpg")).Order(StringComparer.Ordinal), scored.Keys.Order(StringComparer.Ordinal));
        Assert.All(good, path => Assert.Equal(Tensor(path), scored[path]));
    }

    [Fact]
    public async Task A_corrupt_image_fails_a_job_that_tolerates_no_bad_rows_naming_the_image()
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Combine("in"), 3, Side, Side);
        File.WriteAllBytes(dir.Combine("in", "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

        var failure = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("strict", Job(dir, filesPerPartition: 2)));

        Assert.Contains(dir.Combine("in", "broken.png"), failure.ToString(), StringComparison.Ordinal);
        Assert.Contains("DecodeImage", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_over_several_partitions_writes_each_image_once_whatever_the_counts()
    {
        var random = new Random(7);
        using var dir = new TempDirectory();
        var all = ImageFolders.WriteScenes(dir.Combine("all"), 30, Side, Side);
        for (var trial = 0; trial < 6; trial++)
        {
            var count = random.Next(1, 31);
            var input = dir.Combine($"in{trial}");
            Directory.CreateDirectory(input);
            foreach (var path in all.Take(count))
            {
                File.Copy(path, Path.Combine(input, Path.GetFileName(path)));
            }

            var perPartition = random.Next(1, 9);
            var job = Job(dir, perPartition, input, dir.Combine($"out{trial}"));
            job.Source.ChunkRows = random.Next(1, 6);
            job.Execution.Parallelism = random.Next(1, 4);

            var summary = await Runner(dir).RunAsync($"trial{trial}", job);

            Assert.Equal((count + perPartition - 1) / perPartition, summary.Partitions);
            var scored = Outputs(dir.Combine($"out{trial}"));
            Assert.Equal(count, summary.RowsOut);
            Assert.Equal(all.Take(count).Select(Path.GetFileName), scored.Keys.Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.All(scored, row => Assert.Equal(Tensor(Path.Combine(dir.Combine("all"), Path.GetFileName(row.Key))), row.Value));
        }
    }

    [Fact]
    public async Task Plan_shows_the_image_stages_on_the_block_path()
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Combine("in"), 2, Side, Side);

        var plan = await Runner(dir).PlanAsync("plan", Job(dir, filesPerPartition: 1));

        Assert.Equal(["DecodeImage", "Resize", "ToTensor"], plan.Preprocess.Select(p => p.Transform));
        Assert.All(plan.Preprocess, p => Assert.Equal(PreprocessPath.Block, p.Path));
    }

    [Fact]
    public void Image_steps_report_every_problem_with_their_settings()
    {
        var steps = new[]
        {
            new PreprocessStep { Transform = "Resize", InputColumns = ["image"], OutputColumn = "r", Image = new() { Width = 0, Color = ImageColor.Gray } },
            new PreprocessStep { Transform = "ConvertColor", InputColumns = ["a", "b"] },
            new PreprocessStep { Transform = "ToTensor", InputColumns = ["r"], OutputColumn = "t", Image = new() { Element = ImageTensorElement.UInt8, Mean = [0.5f], Std = [0f] } },
            new PreprocessStep { Transform = "DecodeImage", Image = new() { Width = 10 } },
        };

        var problems = steps.Select(s => PreprocessPipelineBuilder.Validate(s).ToList()).ToList();

        Assert.Equal(
            [
                "Resize does not take Image:Color; its settings are Image:Width, Image:Height, Image:Mode, Image:Interpolation.",
                "Resize needs Image:Width between 1 and 16384 pixels (got 0).",
                "Resize needs Image:Height between 1 and 16384 pixels (got none).",
            ],
            problems[0]);
        Assert.Equal(
            ["ConvertColor reads exactly one column (InputColumns); it lists 2.", "ConvertColor needs an OutputColumn.", "ConvertColor needs Image:Color, one of Rgb, Bgr, Gray."],
            problems[1]);
        Assert.Equal(
            ["ToTensor: a UInt8 tensor holds the pixel values as they are; Scale, Mean and Std apply only to Float.", "ToTensor: Std must not hold zero."],
            problems[2]);
        Assert.Equal(["DecodeImage takes Image:Width and Image:Height together (the least size a later Resize needs), each between 1 and 16384."], problems[3]);
    }

    /// <summary>What the job should write for an image of <see cref="Side"/> x <see cref="Side"/>: its RGB values / 255, NCHW.</summary>
    internal static float[] Tensor(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        var values = new float[3 * Side * Side];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < Side; y++)
            {
                for (var x = 0; x < Side; x++)
                {
                    var pixel = bitmap.GetPixel(x, y);
                    var value = c switch { 0 => pixel.Red, 1 => pixel.Green, _ => pixel.Blue };
                    values[(c * Side * Side) + (y * Side) + x] = value * (1f / 255f);
                }
            }
        }

        return values;
    }

    internal static Dictionary<string, float[]> Outputs(string folder)
    {
        var output = new MLContext().Data.LoadFromParquet(folder);
        return DataViewReader.Text(output, "path").Zip(DataViewReader.Vectors(output, "out")).ToDictionary(r => r.First, r => r.Second, StringComparer.Ordinal);
    }

    private static List<BadRecord> Quarantine(string folder) =>
        Directory.GetFiles(Path.Combine(folder, "_quarantine"), "*.jsonl")
            .SelectMany(File.ReadAllLines)
            .Select(line => JsonSerializer.Deserialize<BadRecord>(line)!)
            .ToList();

    internal static JobDefinition Job(TempDirectory dir, int filesPerPartition, string? input = null, string? output = null)
    {
        var model = dir.Combine("identity.onnx");
        if (!File.Exists(model))
        {
            new OnnxModelBuilder("identity")
                .AddInput("pixels", OnnxElementType.Float, "batch", 3, Side, Side)
                .AddOutput("out", OnnxElementType.Float, "batch", 3, Side, Side)
                .AddNode("Identity", ["pixels"], ["out"])
                .Save(model);
        }

        return new JobDefinition
        {
            Source = new SourceDefinition { Path = input ?? dir.Combine("in"), Format = DataFormatKind.Images, FilesPerPartition = filesPerPartition },
            Preprocess =
            [
                new PreprocessStep { Transform = "DecodeImage" },
                new PreprocessStep { Transform = "Resize", InputColumns = ["image"], OutputColumn = "resized", Image = new() { Width = Side, Height = Side, Mode = ImageResizeMode.Stretch, Interpolation = ImageInterpolation.Nearest } },
                new PreprocessStep { Transform = "ToTensor", InputColumns = ["resized"], OutputColumn = "pixels" },
            ],
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = model, BatchSize = 8, Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = output ?? dir.Combine("out"), Columns = ["path", "out"] },
            Execution = new ExecutionOptions { Parallelism = 2, PartitionRetries = 0, PreprocessThreads = 2 },
        };
    }

    internal static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}
