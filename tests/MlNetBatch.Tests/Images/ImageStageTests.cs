using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Pipeline;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Testing.Images;
using MlNetBatch.Tests.Support;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>The image stages against pixels known in advance: the generated bitmap itself, or formulas applied to it.</summary>
public class ImageStageTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void A_decoded_PNG_is_the_bitmap_it_was_encoded_from_exactly()
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.FromPixels(37, 23, (x, y) => ((byte)(x * 7), (byte)(y * 11), (byte)((x * y) % 256), (byte)(255 - x)));
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);

        var decoded = Decode(dir.Path);

        Assert.Equal(GeneratedImages.Rgba(scene), ImageFolders.Single<byte>(decoded, "image"));
        Assert.Equal([37], DataViewReader.Column<int>(decoded, "image_width"));
        Assert.Equal([23], DataViewReader.Column<int>(decoded, "image_height"));
    }

    [Fact]
    public void A_decoded_JPEG_is_within_compression_error_of_its_bitmap()
    {
        using var dir = new TempDirectory();
        // Smooth content: JPEG's loss is in fine detail and colour edges, which a tolerance cannot bound tightly.
        using var scene = GeneratedImages.FromPixels(64, 48, (x, y) => ((byte)(x * 3), (byte)(y * 4), (byte)(128 + (int)(60 * Math.Sin(x / 9.0))), 255));
        ImageFolders.Write(dir.Combine("a.jpg"), scene, SKEncodedImageFormat.Jpeg, quality: 95);

        var decoded = ImageFolders.Single<byte>(Decode(dir.Path), "image");

        var expected = GeneratedImages.Rgba(scene);
        Assert.Equal(expected.Length, decoded.Length);
        var errors = Enumerable.Range(0, expected.Length).Where(i => i % 4 != 3).Select(i => Math.Abs(expected[i] - decoded[i])).ToList();
        Assert.True(errors.Average() < 1.5, $"mean absolute error {errors.Average():F2}");
        Assert.True(errors.Max() <= 8, $"largest error {errors.Max()}");
        Assert.All(Enumerable.Range(0, expected.Length / 4), p => Assert.Equal(255, decoded[(p * 4) + 3]));
    }

    [Fact]
    public void Nearest_upscaling_by_two_repeats_each_pixel_in_a_two_by_two_square()
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.FromPixels(5, 3, (x, y) => ((byte)(x * 50), (byte)(y * 80), (byte)(x + (y * 5)), 255));
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);

        var resized = ImageFolders.Single<byte>(Resize(dir.Path, 10, 6, ImageResizeMode.Stretch, ImageInterpolation.Nearest), "resized");

        var source = GeneratedImages.Rgba(scene);
        Assert.Equal(Reference(10, 6, (x, y) => Pixel(source, 5, x / 2, y / 2)), resized);
    }

    [Fact]
    public void Nearest_downscaling_of_uniform_blocks_keeps_each_blocks_colour()
    {
        using var dir = new TempDirectory();
        var colours = new Random(5);
        var palette = Enumerable.Range(0, 12).Select(_ => ((byte)colours.Next(256), (byte)colours.Next(256), (byte)colours.Next(256), (byte)255)).ToArray();
        // 4 x 3 blocks of 3 x 3 pixels each.
        using var scene = GeneratedImages.FromPixels(12, 9, (x, y) => palette[((y / 3) * 4) + (x / 3)]);
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);

        var resized = ImageFolders.Single<byte>(Resize(dir.Path, 4, 3, ImageResizeMode.Stretch, ImageInterpolation.Nearest), "resized");

        Assert.Equal(Reference(4, 3, (x, y) => palette[(y * 4) + x]), resized);
    }

    [Fact]
    public void A_centre_crop_keeps_the_middle_of_the_longer_side()
    {
        using var dir = new TempDirectory();
        // 8 wide, 4 high: scaling the shorter side (4) to 4 is scale 1, so the crop is columns 2..5, pixel for pixel.
        using var scene = GeneratedImages.FromPixels(8, 4, (x, y) => ((byte)(x * 30), (byte)(y * 60), 7, 255));
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);

        var resized = ImageFolders.Single<byte>(Resize(dir.Path, 4, 4, ImageResizeMode.CropCenter, ImageInterpolation.Nearest), "resized");

        var source = GeneratedImages.Rgba(scene);
        Assert.Equal(Reference(4, 4, (x, y) => Pixel(source, 8, x + 2, y)), resized);
    }

    [Fact]
    public void Padding_centres_the_whole_image_on_black()
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.FromPixels(8, 4, (x, y) => ((byte)(x * 30), (byte)(y * 60), 7, 255));
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);

        var resized = ImageFolders.Single<byte>(Resize(dir.Path, 8, 8, ImageResizeMode.Pad, ImageInterpolation.Nearest), "resized");

        var source = GeneratedImages.Rgba(scene);
        Assert.Equal(Reference(8, 8, (x, y) => y is >= 2 and < 6 ? Pixel(source, 8, x, y - 2) : ((byte)0, (byte)0, (byte)0, (byte)0)), resized);
    }

    [Theory]
    [InlineData(ImageInterpolation.Linear)]
    [InlineData(ImageInterpolation.Cubic)]
    public void Smooth_interpolation_of_a_single_colour_gives_that_colour(ImageInterpolation interpolation)
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.FromPixels(31, 17, (_, _) => (200, 100, 50, 255));
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);

        var resized = ImageFolders.Single<byte>(Resize(dir.Path, 13, 29, ImageResizeMode.CropCenter, interpolation), "resized");

        Assert.Equal(Reference(13, 29, (_, _) => (200, 100, 50, 255)), resized);
    }

    [Theory]
    [InlineData(ImageColor.Rgb)]
    [InlineData(ImageColor.Bgr)]
    [InlineData(ImageColor.Gray)]
    public void ConvertColor_gives_the_channels_asked_for(ImageColor color)
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.Scene(6, 5, seed: 9);
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);
        var view = Resize(dir.Path, 6, 5, ImageResizeMode.Stretch, ImageInterpolation.Nearest);

        var converted = _ml.Transforms.ConvertImageColor("converted", "resized", color).Fit(view).Transform(view);

        var rgba = GeneratedImages.Rgba(scene);
        var actual = ImageFolders.Single<byte>(converted, "converted");
        var expected = Enumerable.Range(0, 30).SelectMany(p => color switch
        {
            ImageColor.Rgb => new[] { rgba[p * 4], rgba[(p * 4) + 1], rgba[(p * 4) + 2] },
            ImageColor.Bgr => new[] { rgba[(p * 4) + 2], rgba[(p * 4) + 1], rgba[p * 4] },
            _ => new[] { (byte)Math.Round((0.299 * rgba[p * 4]) + (0.587 * rgba[(p * 4) + 1]) + (0.114 * rgba[(p * 4) + 2])) },
        }).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        // The gray weights are fixed point; they may round a value that lies within 0.01 of .5 the other way.
        Assert.All(expected.Zip(actual), pair => Assert.InRange(pair.Second - pair.First, color == ImageColor.Gray ? -1 : 0, color == ImageColor.Gray ? 1 : 0));
        Assert.Equal([5, 6, color == ImageColor.Gray ? 1 : 3], ((VectorDataViewType)converted.Schema["converted"].Type).Dimensions.ToArray());
    }

    [Theory]
    [InlineData(ImageTensorLayout.Nchw)]
    [InlineData(ImageTensorLayout.Nhwc)]
    public void ToTensor_scales_then_normalizes_each_channel_in_the_layout_asked_for(ImageTensorLayout layout)
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.Scene(7, 4, seed: 11);
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);
        var view = Resize(dir.Path, 7, 4, ImageResizeMode.Stretch, ImageInterpolation.Nearest);
        var options = new ImageTensorOptions { Layout = layout, Scale = 1f / 255, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };

        var tensor = _ml.Transforms.ImageToTensor("input", "resized", options).Fit(view).Transform(view);

        var rgba = GeneratedImages.Rgba(scene);
        var actual = ImageFolders.Single<float>(tensor, "input");
        Assert.Equal(3 * 4 * 7, actual.Length);
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 7; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var expected = ((rgba[(((y * 7) + x) * 4) + c] / 255.0) - options.Mean[c]) / options.Std[c];
                    var index = layout == ImageTensorLayout.Nchw ? (c * 28) + (y * 7) + x : (((y * 7) + x) * 3) + c;
                    Assert.Equal(expected, actual[index], 1e-5);
                }
            }
        }

        int[] shape = layout == ImageTensorLayout.Nchw ? [3, 4, 7] : [4, 7, 3];
        Assert.Equal(shape, ((VectorDataViewType)tensor.Schema["input"].Type).Dimensions.ToArray());
    }

    [Fact]
    public void A_uint8_tensor_holds_the_gray_pixels_as_they_are()
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.Scene(5, 5, seed: 2);
        ImageFolders.Write(dir.Combine("a.png"), scene, SKEncodedImageFormat.Png);
        var view = Resize(dir.Path, 5, 5, ImageResizeMode.Stretch, ImageInterpolation.Nearest);
        var gray = _ml.Transforms.ConvertImageColor("gray", "resized", ImageColor.Gray).Fit(view).Transform(view);

        var tensor = _ml.Transforms.ImageToTensor("input", "gray", new ImageTensorOptions { Element = ImageTensorElement.UInt8 }).Fit(gray).Transform(gray);

        Assert.Equal(ImageFolders.Single<byte>(gray, "gray"), ImageFolders.Single<byte>(tensor, "input"));
        Assert.Equal(NumberDataViewType.Byte, ((VectorDataViewType)tensor.Schema["input"].Type).ItemType);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 }, "not an image")]
    [InlineData(new byte[0], "empty")]
    public void Without_a_quarantine_an_undecodable_image_fails_the_read_naming_its_path(byte[] content, string reason)
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Path, 3);
        File.WriteAllBytes(dir.Combine("bad.png"), content);

        var failure = Assert.ThrowsAny<Exception>(() => Decode(dir.Path).Preview(10));

        var format = Assert.IsType<DataFormatException>(FindInner<DataFormatException>(failure));
        Assert.Equal(dir.Combine("bad.png"), format.File);
        Assert.Contains(reason, format.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_JPEG_decoded_for_a_smaller_size_is_at_least_that_size_and_close_to_the_whole_decode_resized()
    {
        using var dir = new TempDirectory();
        using var scene = GeneratedImages.Scene(640, 480, seed: 4);
        ImageFolders.Write(dir.Combine("a.jpg"), scene, SKEncodedImageFormat.Jpeg);
        var images = _ml.Data.LoadImages(dir.Path);

        var reduced = _ml.Transforms.DecodeImage(minWidth: 224, minHeight: 224).Fit(images).Transform(images);
        var whole = Resize(dir.Path, 224, 224, ImageResizeMode.CropCenter, ImageInterpolation.Linear);
        var fromReduced = _ml.Transforms.ResizeImage("resized", 224, 224).Fit(reduced).Transform(reduced);

        Assert.Equal([320], DataViewReader.Column<int>(reduced, "image_width"));
        Assert.Equal([240], DataViewReader.Column<int>(reduced, "image_height"));
        var a = ImageFolders.Single<byte>(whole, "resized");
        var b = ImageFolders.Single<byte>(fromReduced, "resized");
        Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Average() < 4);
    }

    private static T? FindInner<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private IDataView Decode(string folder)
    {
        var images = _ml.Data.LoadImages(folder);
        return _ml.Transforms.DecodeImage().Fit(images).Transform(images);
    }

    private IDataView Resize(string folder, int width, int height, ImageResizeMode mode, ImageInterpolation interpolation)
    {
        var decoded = Decode(folder);
        return _ml.Transforms.ResizeImage("resized", width, height, "image", mode, interpolation).Fit(decoded).Transform(decoded);
    }

    private static (byte, byte, byte, byte) Pixel(byte[] rgba, int width, int x, int y)
    {
        var i = ((y * width) + x) * 4;
        return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]);
    }

    private static byte[] Reference(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> pixel)
    {
        var bytes = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b, a) = pixel(x, y);
                var i = ((y * width) + x) * 4;
                (bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]) = (r, g, b, a);
            }
        }

        return bytes;
    }
}
