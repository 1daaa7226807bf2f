using System.Reflection;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;
using Onnx;

namespace MlNetBatch.Tests.Scoring.Tensors;

/// <summary>
/// The open-batch copy carries large initializers over as bytes; it must parse to the model that OnnxSharp's
/// whole-model rewrite gives (the reference), and score like the original.
/// </summary>
public class OpenBatchCopyTests
{
    private static string ResNet18Path => Path.Combine(
        typeof(OpenBatchCopyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ResNet18PackagePath").Value!,
        "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    [Fact]
    public void ResNet18s_copy_parses_as_the_whole_model_rewrite_and_carries_its_weights_unparsed()
    {
        var model = File.ReadAllBytes(ResNet18Path);

        var copy = OpenBatchCopy.Create(model);

        AssertSameModel(Reference(model), ModelProto.Parser.ParseFrom(copy));
        var parsed = ModelProto.Parser.ParseFrom(copy);
        // Most of the weights are large enough to be carried as bytes, so that path is what this compares.
        Assert.True(parsed.Graph.Initializer.Count(i => i.CalculateSize() > OpenBatchCopy.ParsedInitializerBytes) > 10);
        Assert.Equal("N", parsed.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Fact]
    public void A_reshape_whose_shape_is_a_small_initializer_is_opened_while_a_large_weight_is_carried()
    {
        using var dir = new TempDirectory();
        var model = File.ReadAllBytes(MatMulReshape(dir));

        var copy = ModelProto.Parser.ParseFrom(OpenBatchCopy.Create(model));

        AssertSameModel(Reference(model), copy);
        Assert.Equal([-1L, 8, 8], copy.Graph.Initializer.Single(i => i.Name == "shape").Int64DataOrRaw());
        Assert.Equal(64 * 64 * sizeof(float), copy.Graph.Initializer.Single(i => i.Name == "w").RawData.Length);
    }

    [Fact]
    public void The_copy_scores_a_batch_as_the_original_scores_each_row()
    {
        using var dir = new TempDirectory();
        var path = MatMulReshape(dir);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var ml = new MLContext(seed: 1);
        var data = TensorRows.Load(ml, rows, new VectorDataViewType(NumberDataViewType.Single, 64));

        using var transformer = ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = path, BatchSize = 5, InputColumns = { ["x"] = "X" } }).Fit(data);
        var batched = DataViewReader.Vectors(transformer.Transform(data), "y");

        Assert.Null(transformer.Model.FixedBatchSize);
        using var original = new InferenceSession(path);
        for (var r = 0; r < rows.Length; r++)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(rows[r], [1, 64]);
            using var runOptions = new RunOptions();
            using var results = original.Run(runOptions, ["x"], [input], ["y"]);
            Assert.Equal(results[0].GetTensorDataAsSpan<float>().ToArray(), batched[r]);
        }
    }

    [Fact]
    public void A_carried_weight_that_is_also_an_input_or_a_reshapes_data_keeps_its_shape_as_in_the_whole_model_rewrite()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("weight-input.onnx");
        // IR version 3 style: the 8 KB weight b is listed among the inputs too, with a leading 1, and is the data of a
        // Reshape. SetDim leaves both alone because b is an initializer, which it learns from the placeholder's name.
        new OnnxModelBuilder("weight-input")
            .AddInput("x", OnnxElementType.Float, 1, 2048)
            .AddInput("b", OnnxElementType.Float, 1, 2048)
            .AddOutput("y", OnnxElementType.Float, 1, 2048)
            .AddInitializer("b", Enumerable.Range(0, 2048).Select(i => i * 0.5f).ToArray(), 1, 2048)
            .AddInitializer("s", [1L, 2048], 2)
            .AddNode("Reshape", ["b", "s"], ["r"])
            .AddNode("Add", ["x", "r"], ["y"])
            .Save(path);
        var model = File.ReadAllBytes(path);

        var copy = ModelProto.Parser.ParseFrom(OpenBatchCopy.Create(model));

        AssertSameModel(Reference(model), copy);
        Assert.Equal(1, copy.Graph.Input.Single(i => i.Name == "b").Type.TensorType.Shape.Dim[0].DimValue);
        Assert.Equal([1L, 2048], copy.Graph.Initializer.Single(i => i.Name == "s").Int64DataOrRaw());
        Assert.Equal("N", copy.Graph.Input.Single(i => i.Name == "x").Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Fact]
    public void A_value_that_is_not_a_shaped_tensor_keeps_the_fixed_batch_and_every_row_is_still_scored()
    {
        using var dir = new TempDirectory();
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(MatMulReshape(dir)));
        // A value info without a type: OnnxSharp's SetDim would fail on it with a NullReferenceException.
        proto.Graph.ValueInfo.Add(new ValueInfoProto { Name = "h" });
        var path = dir.Combine("untyped-value.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());

        var error = Assert.Throws<InvalidOperationException>(() => OpenBatchCopy.Create(File.ReadAllBytes(path)));
        Assert.Contains("'h'", error.Message);

        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 3).Select(r => Enumerable.Range(0, 64).Select(i => (r + 1) * i * 0.01f).ToArray()).ToArray();
        var data = TensorRows.Load(ml, rows, new VectorDataViewType(NumberDataViewType.Single, 64));
        using var transformer = ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = path, BatchSize = 3, InputColumns = { ["x"] = "X" } }).Fit(data);
        var scored = DataViewReader.Vectors(transformer.Transform(data), "y");

        Assert.Equal(1, transformer.Model.FixedBatchSize);
        Assert.Equal(3, scored.Count);
        Assert.NotEqual(scored[0], scored[1]);
    }

    [Fact]
    public void Field_ranges_cover_a_message_exactly_wherever_it_lies_in_the_buffer()
    {
        using var dir = new TempDirectory();
        var model = File.ReadAllBytes(MatMulReshape(dir));
        var random = new Random(11);
        for (var trial = 0; trial < 20; trial++)
        {
            var before = random.Next(0, 300);
            var buffer = new byte[before + model.Length + random.Next(0, 300)];
            random.NextBytes(buffer);
            model.CopyTo(buffer, before);

            var fields = ProtoFields.Read(buffer, before, before + model.Length);

            Assert.Equal(before, fields[0].Start);
            Assert.Equal(before + model.Length, fields[^1].End);
            Assert.All(fields.Zip(fields.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
            var graph = fields.Single(f => f.Number == ModelProto.GraphFieldNumber);
            Assert.Equal(ModelProto.Parser.ParseFrom(model).Graph, ProtoFields.Parse(buffer, graph, GraphProto.Parser));
        }
    }

    /// <summary>OnnxSharp's rewrite of the whole parsed model: what the copy must equal.</summary>
    private static ModelProto Reference(byte[] model)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        proto.Graph.SetDim();
        return proto;
    }

    /// <summary>Equal but for the order of the initializers (the copy lists the large ones last).</summary>
    private static void AssertSameModel(ModelProto expected, ModelProto actual)
    {
        Assert.Equal(Sorted(expected), Sorted(actual));
    }

    private static ModelProto Sorted(ModelProto model)
    {
        var sorted = model.Clone();
        var initializers = sorted.Graph.Initializer.OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        sorted.Graph.Initializer.Clear();
        sorted.Graph.Initializer.AddRange(initializers);
        return sorted;
    }

    /// <summary>
    /// x float[1,64] → MatMul with w float[64,64] (16 KB: carried) → Reshape to shape int64[3] = [1, 8, 8] (parsed and
    /// opened) → y float[1,8,8].
    /// </summary>
    private static string MatMulReshape(TempDirectory dir)
    {
        var path = dir.Combine("matmul-reshape.onnx");
        var random = new Random(7);
        new OnnxModelBuilder("matmul-reshape")
            .AddInput("x", OnnxElementType.Float, 1, 64)
            .AddOutput("y", OnnxElementType.Float, 1, 8, 8)
            .AddInitializer("w", Enumerable.Range(0, 64 * 64).Select(_ => (float)random.NextDouble() - 0.5f).ToArray(), 64, 64)
            .AddInitializer("shape", [1L, 8, 8], 3)
            .AddNode("MatMul", ["x", "w"], ["h"])
            .AddNode("Reshape", ["h", "shape"], ["y"])
            .Save(path);
        return path;
    }
}

internal static class TensorProtoValues
{
    /// <summary>An int64 tensor's values, whether stored as <c>int64_data</c> or as little-endian <c>raw_data</c>.</summary>
    public static long[] Int64DataOrRaw(this TensorProto tensor) =>
        tensor.Int64Data.Count > 0 ? [.. tensor.Int64Data] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray();
}
