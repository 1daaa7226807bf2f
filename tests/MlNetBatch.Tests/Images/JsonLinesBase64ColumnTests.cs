using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Testing.Images;
using MlNetBatch.Tests.Support;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>Images inside JSON Lines: a string column of base64, declared as <c>bytes</c>.</summary>
public class JsonLinesBase64ColumnTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void A_base64_column_declared_as_bytes_reads_as_the_encoded_bytes()
    {
        using var dir = new TempDirectory();
        var random = new Random(3);
        var blobs = Enumerable.Range(0, 6).Select(i => Enumerable.Range(0, i * 13).Select(_ => (byte)random.Next(256)).ToArray()).ToArray();
        // The last row escapes its slashes, as some encoders do; a null reads as no bytes.
        var lines = blobs.Select((b, i) => $"{{\"id\":{i},\"blob\":\"{(i == 5 ? Convert.ToBase64String(b).Replace("/", "\\/", StringComparison.Ordinal) : Convert.ToBase64String(b))}\"}}")
            .Append("{\"id\":6,\"blob\":null}");
        File.WriteAllLines(dir.Combine("a.jsonl"), lines);

        var view = _ml.Data.LoadFromJsonLines(dir.Combine("a.jsonl"), new DataSourceOptions { Columns = new() { ["id"] = "int", ["blob"] = "bytes" } });

        Assert.Equal(blobs.Append([]).ToList(), DataViewReader.Vectors<byte>(view, "blob"));
    }

    [Fact]
    public void A_value_that_is_not_base64_fails_naming_the_column_and_row()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.Combine("a.jsonl"), ["{\"blob\":\"AAAA\"}", "{\"blob\":\"not base64!\"}"]);
        var view = _ml.Data.LoadFromJsonLines(dir.Combine("a.jsonl"), new DataSourceOptions { Columns = new() { ["blob"] = "bytes" } });

        var failure = Assert.ThrowsAny<Exception>(() => DataViewReader.Vectors<byte>(view, "blob"));

        var format = FindFormatError(failure);
        Assert.Equal("blob", format.Column);
        Assert.Equal(1, format.Row);
        Assert.Contains("not base64", format.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_in_a_bytes_column_fails_naming_the_column_and_row()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.Combine("a.jsonl"), ["{\"blob\":\"AAAA\"}", "{\"blob\":\"AAAA\"}", "{\"blob\":42}"]);
        var view = _ml.Data.LoadFromJsonLines(dir.Combine("a.jsonl"), new DataSourceOptions { Columns = new() { ["blob"] = "bytes" } });

        var failure = Assert.ThrowsAny<Exception>(() => DataViewReader.Vectors<byte>(view, "blob"));

        var format = FindFormatError(failure);
        Assert.Equal("blob", format.Column);
        Assert.Equal(2, format.Row);
    }

    [Fact]
    public void PNGs_in_base64_decode_to_their_pixels()
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.Scene(9, 5, seed: 2);
        var png = GeneratedImages.Encode(scene, SKEncodedImageFormat.Png);
        File.WriteAllLines(dir.Combine("a.jsonl"), [$"{{\"path\":\"x\",\"png\":\"{Convert.ToBase64String(png)}\"}}"]);
        var view = _ml.Data.LoadFromJsonLines(dir.Combine("a.jsonl"), new DataSourceOptions { Columns = new() { ["path"] = "string", ["png"] = "bytes" } });

        var decoded = _ml.Transforms.DecodeImage("image", "png").Fit(view).Transform(view);

        Assert.Equal(GeneratedImages.Rgba(scene), ImageFolders.Single<byte>(decoded, "image"));
    }

    private static DataFormatException FindFormatError(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is DataFormatException format)
            {
                return format;
            }
        }

        throw new Xunit.Sdk.XunitException($"no DataFormatException in {failure}");
    }
}
