using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Tensors;

public class ElementTypeRoundTripTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Float_round_trips() => RoundTrip(OnnxElementType.Float, NumberDataViewType.Single, i => i * 0.5f - 3.25f);

    [Fact]
    public void Double_round_trips() => RoundTrip(OnnxElementType.Double, NumberDataViewType.Double, i => i * 1e-300 + Math.PI);

    [Fact]
    public void Int8_round_trips() => RoundTrip(OnnxElementType.Int8, NumberDataViewType.SByte, i => (sbyte)(i * 37 - 128));

    [Fact]
    public void Uint8_round_trips() => RoundTrip(OnnxElementType.UInt8, NumberDataViewType.Byte, i => (byte)(i * 41 + 200));

    [Fact]
    public void Int16_round_trips() => RoundTrip(OnnxElementType.Int16, NumberDataViewType.Int16, i => (short)(i * 3001 - 32000));

    [Fact]
    public void Int32_round_trips() => RoundTrip(OnnxElementType.Int32, NumberDataViewType.Int32, i => (i * 123_456_789) - int.MaxValue);

    [Fact]
    public void Int64_round_trips() => RoundTrip(OnnxElementType.Int64, NumberDataViewType.Int64, i => long.MinValue + (i * 987_654_321_123L));

    [Fact]
    public void Bool_round_trips() => RoundTrip(OnnxElementType.Bool, BooleanDataViewType.Instance, i => i % 3 == 1);

    [Fact]
    public void String_round_trips_as_text()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.String, ["batch", 2]);
        var rows = Enumerable.Range(0, 23).Select(i => new[] { $"row {i}", i % 4 == 0 ? string.Empty : "ünïcødé ✓ " + new string('x', i) }).ToArray();
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(TextDataViewType.Instance, 2));

        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 5, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);

        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance, 1, 2), scored.Schema["y"].Type);
        var texts = DataViewReader.Vectors<ReadOnlyMemory<char>>(scored, "y").Select(r => r.Select(t => t.ToString()).ToArray()).ToList();
        Assert.Equal(rows, texts);
    }

    [Fact]
    public void A_scalar_text_column_feeds_a_string_tensor_of_one_per_row()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.String, ["batch"]);
        var rows = Enumerable.Range(0, 9).Select(i => new TextRow { X = $"t{i}" }).ToList();
        var data = _ml.Data.LoadFromEnumerable(rows);

        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 4, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);

        Assert.Equal(rows.Select(r => r.X), DataViewReader.Vectors<ReadOnlyMemory<char>>(scored, "y").Select(v => Assert.Single(v).ToString()));
    }

    [Fact]
    public void A_column_of_the_wrong_item_type_is_refused_naming_both_types()
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, OnnxElementType.UInt8, ["batch", 3]);
        var data = TensorRows.Load(_ml, [new[] { 1f, 2f, 3f }], new VectorDataViewType(NumberDataViewType.Single, 3));

        var error = Assert.Throws<OnnxModelException>(() => _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, InputColumns = { ["x"] = "X" } }).Fit(data));

        Assert.Contains("input 'x' holds byte items (uint8 in the model) but column 'X' is float[3]", error.Message);
    }

    private void RoundTrip<T>(OnnxElementType type, PrimitiveDataViewType itemType, Func<int, T> value)
    {
        using var dir = new TempDirectory();
        var model = TensorModels.Identity(dir, type, ["batch", 3]);
        var rows = Enumerable.Range(0, 29).Select(i => new[] { value(i), value(i + 1), value(2 * i) }).ToArray();
        var data = TensorRows.Load(_ml, rows, new VectorDataViewType(itemType, 3));

        // A batch of 8 leaves a short last batch, so both full and partial runs are checked.
        var scored = _ml.Transforms.ScoreOnnx(new ScoreOnnxOptions { ModelPath = model, BatchSize = 8, InputColumns = { ["x"] = "X" } }).Fit(data).Transform(data);

        Assert.Equal(new VectorDataViewType(itemType, 1, 3), scored.Schema["y"].Type);
        Assert.Equal(rows, DataViewReader.Vectors<T>(scored, "y"));
    }

    private sealed class TextRow
    {
        public string X { get; set; } = string.Empty;
    }
}
