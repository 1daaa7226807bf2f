using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Testing.Images;
using MlNetBatch.Tests.Support;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>Images shipped inside Parquet, as many datasets do: a BYTE_ARRAY column of encoded bytes.</summary>
public class ParquetBinaryColumnTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData(8192, 100)]
    [InlineData(3, 4)]
    public void A_binary_column_reads_as_the_bytes_written_and_a_null_as_no_bytes(int chunkRows, int rowGroupRows)
    {
        using var dir = new TempDirectory();
        var random = new Random(chunkRows);
        var blobs = Enumerable.Range(0, 11).Select(i => i % 5 == 3 ? null : RandomBytes(random, i * 37)).ToArray();
        ArrowParquetFile.Write(dir.Combine("blobs.parquet"), rowGroupRows,
            [ArrowParquetFile.Of("id", Enumerable.Range(0, 11).ToArray()), ArrowParquetFile.Of("blob", blobs), ArrowParquetFile.Of("name", blobs.Select((_, i) => $"n{i}").ToArray())]);

        var view = _ml.Data.LoadFromParquet(dir.Combine("blobs.parquet"), new DataSourceOptions { ChunkRows = chunkRows });

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Byte), view.Schema["blob"].Type);
        Assert.Equal(blobs.Select(b => b ?? []).ToList(), DataViewReader.Vectors<byte>(view, "blob"));
        Assert.Equal(blobs.Select((_, i) => $"n{i}").ToList(), DataViewReader.Text(view, "name"));
    }

    [Fact]
    public void A_text_column_declared_as_bytes_reads_as_its_UTF8_bytes()
    {
        using var dir = new TempDirectory();
        ArrowParquetFile.Write(dir.Combine("t.parquet"), 10, [ArrowParquetFile.Of("text", new[] { "ab", "é", string.Empty })]);

        var view = _ml.Data.LoadFromParquet(dir.Combine("t.parquet"), new DataSourceOptions { Columns = new() { ["text"] = "bytes" } });

        Assert.Equal([[0x61, 0x62], [0xC3, 0xA9], []], DataViewReader.Vectors<byte>(view, "text"));
    }

    [Fact]
    public void Images_in_a_Parquet_binary_column_decode_like_the_same_images_as_files()
    {
        using var dir = new TempDirectory();
        var bitmaps = Enumerable.Range(0, 5).Select(i => GeneratedImages.Scene(9 + i, 7, seed: i)).ToList();
        var encoded = bitmaps.Select(b => GeneratedImages.Encode(b, SKEncodedImageFormat.Png)).ToArray();
        ArrowParquetFile.Write(dir.Combine("images.parquet"), 2,
            [ArrowParquetFile.Of("path", encoded.Select((_, i) => $"img{i}").ToArray()), ArrowParquetFile.Of("png", encoded)]);
        var view = _ml.Data.LoadFromParquet(dir.Combine("images.parquet"));

        var decoded = _ml.Transforms.DecodeImage("image", "png").Fit(view).Transform(view);

        var pixels = ImageFolders.ByPath<byte>(decoded, "image");
        Assert.Equal(5, pixels.Count);
        for (var i = 0; i < bitmaps.Count; i++)
        {
            Assert.Equal(GeneratedImages.Rgba(bitmaps[i]), pixels[$"img{i}"]);
            bitmaps[i].Dispose();
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
