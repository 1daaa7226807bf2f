using Microsoft.ML;
using MlNetBatch.Formats.Images;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// <c>mlContext.Transforms.DecodeImage(...)</c>, <c>ResizeImage</c>, <c>ConvertImageColor</c> and <c>ImageToTensor</c>:
/// the image stages as block transforms on the worker pool, for pipelines written in code.
/// </summary>
public static class ImageTransformsCatalogExtensions
{
    /// <summary>Decodes encoded images into RGBA pixels and their size (see <see cref="DecodeImageBlockTransform"/>).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The decoded image column.</param>
    /// <param name="inputColumnName">The encoded bytes.</param>
    /// <param name="pathColumnName">A text column naming each image, for the quarantine; null for none.</param>
    /// <param name="minWidth">With <paramref name="minHeight"/>, the least size to decode at: JPEGs decode at a reduced scale (see <see cref="DecodeImageBlockTransform"/>); 0 for whole.</param>
    /// <param name="minHeight">See <paramref name="minWidth"/>.</param>
    /// <param name="options">The worker pool; optional.</param>
    public static BlockTransformEstimator DecodeImage(this TransformsCatalog catalog, string outputColumnName = "image",
        string inputColumnName = ImageSourceColumns.Bytes, string? pathColumnName = ImageSourceColumns.Path, int minWidth = 0, int minHeight = 0,
        BlockStageOptions? options = null) =>
        catalog.ApplyBlockTransform(new DecodeImageBlockTransform(outputColumnName, inputColumnName, pathColumnName, minWidth, minHeight), options);

    /// <summary>Resizes decoded images to <paramref name="width"/> x <paramref name="height"/> (see <see cref="ResizeImageBlockTransform"/>).</summary>
    public static BlockTransformEstimator ResizeImage(this TransformsCatalog catalog, string outputColumnName, int width, int height,
        string inputColumnName = "image", ImageResizeMode mode = ImageResizeMode.CropCenter, ImageInterpolation interpolation = ImageInterpolation.Linear,
        BlockStageOptions? options = null) =>
        catalog.ApplyBlockTransform(new ResizeImageBlockTransform(outputColumnName, inputColumnName, width, height, mode, interpolation), options);

    /// <summary>Turns resized RGBA images into RGB, BGR or gray (see <see cref="ConvertColorBlockTransform"/>).</summary>
    public static BlockTransformEstimator ConvertImageColor(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, ImageColor color,
        BlockStageOptions? options = null) =>
        catalog.ApplyBlockTransform(new ConvertColorBlockTransform(outputColumnName, inputColumnName, color), options);

    /// <summary>Turns images into a model input row, scaled and normalized (see <see cref="ImageToTensorBlockTransform"/>).</summary>
    public static BlockTransformEstimator ImageToTensor(this TransformsCatalog catalog, string outputColumnName, string inputColumnName,
        ImageTensorOptions? tensor = null, BlockStageOptions? options = null) =>
        catalog.ApplyBlockTransform(new ImageToTensorBlockTransform(outputColumnName, inputColumnName, tensor), options);
}
