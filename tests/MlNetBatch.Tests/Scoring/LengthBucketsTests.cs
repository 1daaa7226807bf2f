using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

public class LengthBucketsTests
{
    private const int BatchSize = 16;

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 1)]
    [InlineData(3, 5)]
    public void Each_run_pads_to_the_longest_of_its_rows_sorted_by_length_within_a_slot_and_rows_keep_their_order(int seed, int bucketBatches)
    {
        using var dir = new TempDirectory();
        var model = dir.Combine("padded-length.onnx");
        File.WriteAllBytes(model, PaddedLengthModel());
        var random = new Random(seed);
        var lengths = Enumerable.Range(0, random.Next(200, 700)).Select(_ => random.Next(1, 60)).ToArray();
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(lengths.Select((length, i) => new Row { id = i, input_ids = Enumerable.Repeat((long)i, length).ToArray() }), Schema());

        var scored = ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = BatchSize, LengthBucketBatches = bucketBatches, Device = OnnxDevice.Cpu })
            .Fit(data).Transform(data);

        Assert.Equal(Enumerable.Range(0, lengths.Length).Select(i => (long)i), DataViewReader.Column<long>(scored, "id"));
        var padded = DataViewReader.Vectors<long>(scored, "padded_length").Select(v => Assert.Single(v)).ToArray();
        Assert.Equal(Expected(lengths, bucketBatches), padded);
        if (bucketBatches > 1)
        {
            Assert.True(padded.Sum() < Expected(lengths, 1).Sum(), "sorting by length pads less than input order");
        }
    }

    /// <summary>Slots of bucketBatches × BatchSize consecutive rows; in each, rows sorted by (length, index) and run BatchSize at a time.</summary>
    private static long[] Expected(int[] lengths, int bucketBatches)
    {
        var padded = new long[lengths.Length];
        var slotRows = BatchSize * bucketBatches;
        for (var slot = 0; slot < lengths.Length; slot += slotRows)
        {
            var rows = Enumerable.Range(slot, Math.Min(slotRows, lengths.Length - slot)).OrderBy(r => lengths[r]).ThenBy(r => r).ToArray();
            foreach (var run in rows.Chunk(BatchSize))
            {
                var longest = run.Max(r => lengths[r]);
                foreach (var r in run)
                {
                    padded[r] = longest;
                }
            }
        }

        return padded;
    }

    /// <summary>A model whose int64 [batch] output is the length its input [batch, sequence] was padded to.</summary>
    private static byte[] PaddedLengthModel() => new OnnxModelBuilder("padded_length")
        .AddInput("input_ids", OnnxElementType.Int64, "batch", "sequence")
        .AddInitializer("zero", [0L])
        .AddInitializer("one", [1L])
        .AddInitializer("axis_1", [1L], 1)
        .AddNode("Mul", ["input_ids", "zero"], ["zeros"])
        .AddNode("Add", ["zeros", "one"], ["ones"])
        .AddNode("ReduceSum", ["ones", "axis_1"], ["padded_length"], OnnxAttribute.Int("keepdims", 0))
        .AddOutput("padded_length", OnnxElementType.Int64, "batch")
        .Build();

    private static SchemaDefinition Schema()
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.input_ids)].ColumnType = new VectorDataViewType(NumberDataViewType.Int64);
        return schema;
    }

    private sealed class Row
    {
        public long id { get; set; }

        public long[] input_ids { get; set; } = [];
    }
}
