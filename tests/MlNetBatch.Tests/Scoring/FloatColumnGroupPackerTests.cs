using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Scoring;

namespace MlNetBatch.Tests.Scoring;

/// <summary>Eight float columns packed together (in registers, eight rows at a time) land exactly where one column at a time puts them.</summary>
public class FloatColumnGroupPackerTests
{
    [Theory]
    [InlineData(8, 0, 0, 0, 64)]
    [InlineData(13, 3, 5, 2, 37)]
    [InlineData(16, 8, 1, 0, 7)]
    [InlineData(9, 1, 0, 9, 1)]
    public void A_block_packs_into_every_tensor_row_at_the_offset_and_nothing_else(int rowSize, int offset, int start, int row, int count)
    {
        var random = new Random(rowSize * 31 + count);
        var view = new MLContext().Data.LoadFromEnumerable(new[] { new EightFloats() });
        using var cursor = view.GetRowCursor(view.Schema);
        var buffers = new ColumnBuffer?[8];
        for (var c = 0; c < 8; c++)
        {
            var buffer = (ScalarColumnBuffer<float>)ColumnBuffer.Create(NumberDataViewType.Single, start + count);
            for (var r = 0; r < start + count; r++)
            {
                buffer.Values[r] = (float)random.NextDouble();
            }

            buffers[c] = buffer;
        }

        var packer = new FloatColumnGroupPacker(cursor, view.Schema.ToArray(), rowSize, offset);
        var tensor = Enumerable.Repeat(-1f, ((row + count) * rowSize) + 3).ToArray();
        packer.SetTarget(tensor);

        packer.PackBlock(new RecordBatch(buffers), start, row, count);

        var expected = Enumerable.Repeat(-1f, tensor.Length).ToArray();
        for (var r = 0; r < count; r++)
        {
            for (var c = 0; c < 8; c++)
            {
                expected[((row + r) * rowSize) + offset + c] = ((ScalarColumnBuffer<float>)buffers[c]!).Values[start + r];
            }
        }

        Assert.Equal(expected, tensor);
    }

    [Fact]
    public void A_row_packs_through_the_getters()
    {
        var values = new EightFloats { A = 1, B = 2, C = 3, D = 4, E = 5, F = 6, G = 7, H = 8 };
        var view = new MLContext().Data.LoadFromEnumerable(new[] { values });
        using var cursor = view.GetRowCursor(view.Schema);
        var packer = new FloatColumnGroupPacker(cursor, view.Schema.ToArray(), rowSize: 10, offset: 1);
        var tensor = new float[20];
        packer.SetTarget(tensor);

        Assert.True(cursor.MoveNext());
        packer.Pack(1);

        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0 }, tensor);
    }

    private sealed class EightFloats
    {
        public float A { get; set; }

        public float B { get; set; }

        public float C { get; set; }

        public float D { get; set; }

        public float E { get; set; }

        public float F { get; set; }

        public float G { get; set; }

        public float H { get; set; }
    }
}
