using System.Diagnostics;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;
using Xunit.Abstractions;

namespace MlNetBatch.Tests.Scoring.Tensors;

public class FixedBatchRewriteTests(ITestOutputHelper output)
{
    private readonly MLContext _ml = new(seed: 1);

    /// <summary>The ResNet18 ONNX model the Microsoft.ML.DnnImageFeaturizer.ResNet18 package ships (restored with the tests; fixed batch 1, opset 8).</summary>
    private static string ResNet18Path => Path.Combine(
        typeof(FixedBatchRewriteTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ResNet18PackagePath").Value!,
        "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    [Fact]
    public void ResNet18_with_a_fixed_batch_of_one_is_rewritten_and_scores_like_per_row_runs_of_the_original()
    {
        const int Images = 6;
        using var raw = new InferenceSession(ResNet18Path);
        var (inputName, inputMeta) = raw.InputMetadata.Single();
        var (outputName, _) = raw.OutputMetadata.Single();
        Assert.Equal(1, inputMeta.Dimensions[0]);
        var imageSize = inputMeta.Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
        var random = new Random(5);
        var images = Enumerable.Range(0, Images).Select(_ => Enumerable.Range(0, imageSize).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var data = TensorRows.Load(_ml, images, new VectorDataViewType(NumberDataViewType.Single, inputMeta.Dimensions.Skip(1).ToArray()));

        var options = new ScoreOnnxOptions { ModelPath = ResNet18Path, BatchSize = Images, InputColumns = { [inputName] = "X" }, OutputColumns = { [outputName] = "features" } };
        using var transformer = _ml.Transforms.ScoreOnnx(options).Fit(data);
        var watch = Stopwatch.StartNew();
        var batched = DataViewReader.Vectors(transformer.Transform(data), "features");
        var batchedTime = watch.Elapsed;

        Assert.Null(transformer.Model.FixedBatchSize);
        watch.Restart();
        var perRow = images.Select(image => RunOne(raw, inputName, inputMeta.Dimensions, image)).ToList();
        var perRowTime = watch.Elapsed;
        output.WriteLine($"ResNet18, {Images} images: one batched run {batchedTime.TotalMilliseconds:F0} ms, {Images} single runs {perRowTime.TotalMilliseconds:F0} ms");
        Assert.Equal(Images, batched.Count);
        for (var i = 0; i < Images; i++)
        {
            Assert.Equal(perRow[i].Length, batched[i].Length);
            for (var k = 0; k < perRow[i].Length; k++)
            {
                Assert.Equal(perRow[i][k], batched[i][k], 1e-3f * Math.Max(1, Math.Abs(perRow[i][k])));
            }
        }

        // The images differ, so equal outputs would mean one image was scored for all.
        Assert.NotEqual(batched[0], batched[1]);
    }

    [Fact]
    public void A_fixed_batch_the_graph_bakes_in_is_kept_and_every_row_is_still_scored()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.ConcatWithConstant(dir);
        var rows = Enumerable.Range(0, 5).Select(i => new[] { i, -i * 1f }).ToArray();
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(NumberDataViewType.Single, 2));

        using var transformer = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 4, InputColumns = { ["x"] = "X" } }).Fit(data);
        var scored = DataViewReader.Vectors(transformer.Transform(data), "y");

        Assert.Equal(1, transformer.Model.FixedBatchSize);
        Assert.Equal(rows.Select(r => r.Concat([10f, 20f]).ToArray()), scored);
    }

    [Fact]
    public void The_graph_scan_reads_ResNet18s_inputs_and_outputs_as_a_session_lists_them_and_sees_the_batch_fixed_at_one()
    {
        var model = File.ReadAllBytes(ResNet18Path);
        using var session = new InferenceSession(model);

        Assert.True(OnnxGraphScan.TryRead(model, out var inputs, out var outputs));

        // ResNet18 is IR version 3: its graph lists every weight among the inputs too, which a session leaves out.
        Assert.Equal(session.InputMetadata.Keys.Order(), inputs.Select(i => i.Name).Order());
        Assert.Equal(session.OutputMetadata.Keys.Order(), outputs.Select(o => o.Name).Order());
        Assert.Equal(session.InputMetadata.Single().Value.Dimensions.Select(d => (long)d), inputs.Single().Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.True(OnnxGraphScan.FixesBatchAtOne(inputs, outputs));
    }

    [Fact]
    public void The_graph_scan_sees_a_fixed_batch_only_where_every_input_fixes_it_at_one()
    {
        using var dir = new TempDirectory();

        Assert.True(FixesBatchAtOne(File.ReadAllBytes(TestModels.Tabular(dir, batch: 1))));
        // Fixed at 1 in the graph; that a copy cannot open it is for the check to find.
        Assert.True(FixesBatchAtOne(File.ReadAllBytes(TensorModels.ConcatWithConstant(dir))));
        Assert.False(FixesBatchAtOne(File.ReadAllBytes(TestModels.Tabular(dir))));
        Assert.False(FixesBatchAtOne(File.ReadAllBytes(TestModels.Tabular(dir, batch: 4))));
        Assert.False(FixesBatchAtOne(File.ReadAllBytes(TestModels.MultiInputOutput(dir))));
    }

    [Fact]
    public void The_graph_scan_declines_bytes_that_are_not_a_model()
    {
        using var dir = new TempDirectory();
        var model = File.ReadAllBytes(TestModels.Tabular(dir, batch: 1));

        Assert.False(OnnxGraphScan.TryRead([], out _, out _));
        Assert.False(FixesBatchAtOne("not a model at all"u8.ToArray()));
        Assert.False(FixesBatchAtOne(model[..(model.Length / 2)]));
        Assert.False(FixesBatchAtOne([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
    }

    private static bool FixesBatchAtOne(byte[] model) =>
        OnnxGraphScan.TryRead(model, out var inputs, out var outputs) && OnnxGraphScan.FixesBatchAtOne(inputs, outputs);

    private static float[] RunOne(InferenceSession session, string input, int[] dims, float[] image)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(image, dims.Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [input], [tensor], session.OutputNames);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
