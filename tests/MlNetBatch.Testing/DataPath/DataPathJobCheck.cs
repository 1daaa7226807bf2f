using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;

namespace MlNetBatch.Testing.DataPath;

/// <summary>
/// The job path of the data-path property: a generated case scored by a job (an identity model, so every score
/// must equal its input bit for bit) into one file per partition, read back with the independent readers; then one
/// input renamed and the job run again. Every input row must be in the committed output exactly once, both times.
/// </summary>
internal static class DataPathJobCheck
{
    private static readonly string[] RenameTargets = ["renamed.x", "renamed file", "renommé", "名前"];

    public static void Run(DataPathCase dataCase, string directory, string input)
    {
        var model = Path.Combine(directory, "identity.onnx");
        new OnnxModelBuilder("identity")
            .AddInput("f", OnnxElementType.Float, "batch")
            .AddOutput("f_scored", OnnxElementType.Float, "batch")
            .AddNode("Identity", ["f"], ["f_scored"])
            .Save(model);
        var sinkFormat = new[] { DataFormatKind.Csv, DataFormatKind.JsonLines, DataFormatKind.Parquet }[dataCase.Seed % 3];
        var job = new JobDefinition
        {
            Source = new SourceDefinition { Path = Path.Combine(input, "**", "*" + dataCase.Extension), Columns = GeneratedRow.Schema, PartitionBytes = dataCase.PartitionBytes, ChunkRows = dataCase.ChunkRows },
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = model, Device = OnnxDevice.Cpu, BatchSize = 64 },
            Sink = new SinkDefinition { Path = Path.Combine(directory, "job"), Format = sinkFormat, Columns = ["id", "f", "d", "n", "s", "f_scored"] },
            Execution = new ExecutionOptions { Parallelism = 2 },
        };
        var runner = new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(directory));
        var expected = dataCase.AllRows.ToList();
        if (expected.Count == 0)
        {
            // An input of empty files still plans and commits; nothing to compare row by row.
            runner.RunAsync("property", job).GetAwaiter().GetResult();
            return;
        }

        var summary = runner.RunAsync("property", job).GetAwaiter().GetResult();
        Check(dataCase, "job output", expected, job.Sink.Path, sinkFormat, summary.OutputFiles.Count);

        // A renamed input replaces its old output; nothing doubles.
        var renamed = dataCase.Files[dataCase.Seed % dataCase.Files.Count].Path;
        var target = Path.Combine(Path.GetDirectoryName(renamed) ?? string.Empty, RenameTargets[dataCase.Seed % RenameTargets.Length] + dataCase.Extension);
        if (!dataCase.Files.Any(f => f.Path == target))
        {
            File.Move(Path.Combine(input, renamed), Path.Combine(input, target));
        }

        var rerun = runner.RunAsync("property", job).GetAwaiter().GetResult();
        Check(dataCase, "job output after renaming an input", expected, job.Sink.Path, sinkFormat, rerun.OutputFiles.Count);
    }

    private static void Check(DataPathCase dataCase, string path, List<GeneratedRow> expected, string sink, DataFormatKind format, int partitions)
    {
        var files = Directory.GetFiles(sink, "*" + DataFormatRegistry.Default.Extension(format)).Order(StringComparer.Ordinal).ToList();
        if (files.Count != partitions)
        {
            throw new DataPathMismatchException(dataCase, path, $"{files.Count} output files for {partitions} partitions.");
        }

        List<GeneratedRow> rows;
        List<(long Id, float Value)> scores;
        if (format == DataFormatKind.Parquet)
        {
            rows = files.SelectMany(ReferenceReaders.ReadParquet).ToList();
            // A [batch] model output is a vector of one item, as ML.NET's ApplyOnnxModel makes it.
            scores = files.SelectMany(f => ReferenceReaders.SingleItemListFromParquet(f, "f_scored")).ToList();
        }
        else
        {
            var read = ReferenceReaders.ReadWithPython(files);
            Func<System.Text.Json.JsonElement, List<GeneratedRow>> parse = format == DataFormatKind.Csv ? ReferenceReaders.RowsFromCsv : ReferenceReaders.RowsFromJson;
            rows = read.SelectMany(parse).ToList();
            scores = read.SelectMany(f => format == DataFormatKind.Csv ? ReferenceReaders.ColumnFromCsv(f, "f_scored.0") : ReferenceReaders.SingleItemArrayFromJson(f, "f_scored")).ToList();
        }

        DataPathCheck.Compare(dataCase, path, expected, rows, ordered: false);
        var byId = expected.ToDictionary(r => r.Id);
        foreach (var (id, value) in scores)
        {
            if (BitConverter.SingleToInt32Bits(value) != BitConverter.SingleToInt32Bits(byId[id].F))
            {
                throw new DataPathMismatchException(dataCase, path, $"id {id} was scored {value}, expected its f, {byId[id].F}.");
            }
        }
    }
}
