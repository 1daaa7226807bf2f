using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Sinks;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Sinks;

public class WideRowsTests
{
    /// <summary>Rows as wide as an image tensor (3 × 224 × 224 floats): blocks of the default 16,384 rows would not fit an array.</summary>
    [Fact]
    public void Rows_of_image_tensor_width_are_written_and_read_back_whole()
    {
        using var dir = new TempDirectory();
        const int width = 3 * 224 * 224;
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 5).Select(r => new Row { id = r, pixels = Enumerable.Range(0, width).Select(i => (float)((r * 7) + (i % 251))).ToArray() }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var data = ml.Data.LoadFromEnumerable(rows, schema);

        ml.Data.SaveAsParquet(data, dir.Combine("wide.parquet"));

        var back = DataViewReader.Vectors(ml.Data.LoadFromParquet(dir.Combine("wide.parquet")), "pixels");
        Assert.Equal(rows.Select(r => r.pixels), back);
    }

    private sealed class Row
    {
        public long id { get; set; }

        public float[] pixels { get; set; } = [];
    }
}
