using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

/// <summary>
/// Every model the tests score with <c>ScoreOnnx</c>, with the column bindings the tests use (renamed inputs and
/// outputs, concatenated inputs): the data to score and the options to score it with.
/// </summary>
public static class SavedModelCases
{
    private const int Rows = 97;

    /// <summary>One model and binding.</summary>
    /// <param name="Name">Shown in the test's name.</param>
    /// <param name="Model">The <see cref="TestModels"/> method (or <see cref="SampleModel"/>) that gives the model.</param>
    /// <param name="Build">Writes the model and returns the data and options.</param>
    public sealed record Case(string Name, string Model, Func<MLContext, TempDirectory, (IDataView Data, ScoreOnnxOptions Options)> Build);

    /// <summary>Stands for the shipped sample model in <see cref="Case.Model"/>.</summary>
    public const string SampleModel = "SampleModel";

    public static IReadOnlyList<Case> All { get; } =
    [
        new("tabular", nameof(TestModels.Tabular), (ml, dir) =>
            (Tabular(ml), Options(TestModels.Tabular(dir)))),
        new("tabular, renamed input and outputs", nameof(TestModels.Tabular), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new RenamedTabularRow { Input = Features(i, 16) })),
                Options(TestModels.Tabular(dir), o =>
                {
                    o.InputColumns["features"] = "Input";
                    o.OutputColumns["probabilities"] = "Probability";
                    o.OutputColumns["label"] = "PredictedLabel";
                }))),
        new("tabular, input renamed over a column named like the input", nameof(TestModels.Tabular), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new ShadowedTabularRow { features = Features(Rows + i, 16), Input = Features(i, 16) })),
                Options(TestModels.Tabular(dir), o => o.InputColumns["features"] = "Input"))),
        new("tabular, concatenated input", nameof(TestModels.Tabular), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(SplitTabularRow.Create)),
                Options(TestModels.Tabular(dir), o => o.ConcatenatedInputs["features"] = ["head", "a", "b", "c", "d", "tail"]))),
        new("tabular, fixed batch of one", nameof(TestModels.Tabular), (ml, dir) =>
            (Tabular(ml), Options(TestModels.Tabular(dir, batch: 1)))),
        new("sample model", SampleModel, (ml, _) =>
            (Tabular(ml), Options(RepositoryPaths.SampleModel))),
        new("lookup, int64 [batch,1] input", nameof(TestModels.FailsOnBadIndex), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new LookupRow { id = i, idx = i % 4 })),
                Options(TestModels.FailsOnBadIndex(dir)))),
        new("multi, renamed inputs and outputs", nameof(TestModels.MultiInputOutput), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new MultiRow { Dense = Features(i, 4), Ids = [i, -i, long.MaxValue / 4] })),
                Options(TestModels.MultiInputOutput(dir), o =>
                {
                    o.InputColumns["dense"] = "Dense";
                    o.InputColumns["ids"] = "Ids";
                    o.OutputColumns["sum"] = "Total";
                    o.OutputColumns["doubled"] = "Doubled";
                }))),
        new("multi_io, int64 [batch] input", nameof(TestModels.MultiIo), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new MultiIoRow { x = Features(i, 8), cat = Category(i) })),
                Options(TestModels.MultiIo(dir)))),
        new("multi_io, renamed inputs and outputs", nameof(TestModels.MultiIo), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new RenamedMultiIoRow { Features = Features(i, 8), Category = Category(i) })),
                Options(TestModels.MultiIo(dir), o =>
                {
                    o.InputColumns["x"] = "Features";
                    o.InputColumns["cat"] = "Category";
                    o.OutputColumns["score"] = "Score";
                    o.OutputColumns["code"] = "Code";
                }))),
        new("multi_io, concatenated inputs", nameof(TestModels.MultiIo), (ml, dir) =>
            (ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(SplitMultiIoRow.Create)),
                Options(TestModels.MultiIo(dir), o =>
                {
                    o.ConcatenatedInputs["x"] = ["head", "middle", "tail"];
                    o.ConcatenatedInputs["cat"] = ["category"];
                }))),
    ];

    /// <summary>The case names, for a theory.</summary>
    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    private static IDataView Tabular(MLContext ml) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new TabularRow { id = i, features = Features(i, 16) }));

    private static ScoreOnnxOptions Options(string model, Action<ScoreOnnxOptions>? bind = null)
    {
        // A batch size that does not divide the rows, so the last batch is partial.
        var options = new ScoreOnnxOptions { ModelPath = model, BatchSize = 10, Device = OnnxDevice.Cpu };
        bind?.Invoke(options);
        return options;
    }

    // Seeded per row, so every case's data is the same on every run.
    private static float[] Features(int row, int count)
    {
        var random = new Random(row);
        return Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    }

    private static long Category(int row) => (row % 11) - 5;

    private sealed class TabularRow
    {
        public long id { get; set; }

        [VectorType(16)]
        public float[] features { get; set; } = [];
    }

    private sealed class RenamedTabularRow
    {
        [VectorType(16)]
        public float[] Input { get; set; } = [];
    }

    private sealed class ShadowedTabularRow
    {
        [VectorType(16)]
        public float[] features { get; set; } = [];

        [VectorType(16)]
        public float[] Input { get; set; } = [];
    }

    private sealed class SplitTabularRow
    {
        [VectorType(10)]
        public float[] head { get; set; } = [];

        public float a { get; set; }

        public float b { get; set; }

        public float c { get; set; }

        public float d { get; set; }

        [VectorType(2)]
        public float[] tail { get; set; } = [];

        public static SplitTabularRow Create(int row)
        {
            var f = Features(row, 16);
            return new SplitTabularRow { head = f[..10], a = f[10], b = f[11], c = f[12], d = f[13], tail = f[14..] };
        }
    }

    private sealed class LookupRow
    {
        public long id { get; set; }

        public long idx { get; set; }
    }

    private sealed class MultiRow
    {
        [VectorType(4)]
        public float[] Dense { get; set; } = [];

        [VectorType(3)]
        public long[] Ids { get; set; } = [];
    }

    private sealed class MultiIoRow
    {
        [VectorType(8)]
        public float[] x { get; set; } = [];

        public long cat { get; set; }
    }

    private sealed class RenamedMultiIoRow
    {
        [VectorType(8)]
        public float[] Features { get; set; } = [];

        public long Category { get; set; }
    }

    private sealed class SplitMultiIoRow
    {
        [VectorType(5)]
        public float[] head { get; set; } = [];

        public float middle { get; set; }

        [VectorType(2)]
        public float[] tail { get; set; } = [];

        public long category { get; set; }

        public static SplitMultiIoRow Create(int row)
        {
            var f = Features(row, 8);
            return new SplitMultiIoRow { head = f[..5], middle = f[5], tail = f[6..], category = Category(row) };
        }
    }
}
