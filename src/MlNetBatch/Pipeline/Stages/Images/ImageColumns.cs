using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// How images travel between the image stages. A decoded image (<c>DecodeImage</c>) is a variable-size <c>byte</c>
/// vector of non-premultiplied RGBA rows, top row first, with its size in two <c>int</c> columns beside it
/// (<c>image_width</c>, <c>image_height</c> for a column <c>image</c>). A resized image is a fixed-size <c>byte</c> vector
/// whose type carries its shape, [height, width, channels].
/// </summary>
public static class ImageColumns
{
    /// <summary>The channels of a decoded image: red, green, blue, alpha.</summary>
    public const int DecodedChannels = 4;

    /// <summary>The column holding the widths of the images in <paramref name="imageColumn"/>.</summary>
    public static string WidthOf(string imageColumn) => imageColumn + "_width";

    /// <summary>The column holding the heights of the images in <paramref name="imageColumn"/>.</summary>
    public static string HeightOf(string imageColumn) => imageColumn + "_height";

    /// <summary>The type of a decoded image column.</summary>
    public static VectorDataViewType DecodedType { get; } = new(NumberDataViewType.Byte);

    /// <summary>The type of an image of a known shape.</summary>
    public static VectorDataViewType Shaped(int height, int width, int channels) => new(NumberDataViewType.Byte, height, width, channels);

    /// <summary>The shape of a column of images of known shape, or a <see cref="BlockTransformException"/> naming the stage and column.</summary>
    internal static (int Height, int Width, int Channels) ShapeOf(DataViewSchema schema, string column, string stage)
    {
        var type = Find(schema, column, stage).Type;
        if (type is VectorDataViewType { IsKnownSize: true, Dimensions.Length: 3 } vector && vector.ItemType == NumberDataViewType.Byte)
        {
            return (vector.Dimensions[0], vector.Dimensions[1], vector.Dimensions[2]);
        }

        throw new BlockTransformException(
            $"{stage}: column '{column}' holds {type}, not images of a known size; {stage} takes the output of Resize (a byte vector shaped [height, width, channels]).");
    }

    /// <summary>The column named <paramref name="name"/>, or a <see cref="BlockTransformException"/> listing the columns there are.</summary>
    internal static DataViewSchema.Column Find(DataViewSchema schema, string name, string stage) =>
        schema.GetColumnOrNull(name) ?? throw new BlockTransformException(
            $"{stage}: input column '{name}' does not exist; the data has {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");

    /// <summary>
    /// Checks, from a schema shape, that <paramref name="column"/> can be a shaped image (a fixed-size <c>byte</c>
    /// vector), and returns a fixed-size vector column of <paramref name="item"/> named <paramref name="output"/>.
    /// </summary>
    internal static Microsoft.ML.SchemaShape.Column ShapedOutput(Microsoft.ML.SchemaShape input, string column, string stage, string output, PrimitiveDataViewType item)
    {
        var matches = input.Where(c => c.Name == column).ToList();
        if (matches.Count == 0)
        {
            throw new BlockTransformException($"{stage}: input column '{column}' does not exist; the data has {string.Join(", ", input.Select(c => c.Name))}.");
        }

        var found = matches[^1];
        if (found.Kind != Microsoft.ML.SchemaShape.Column.VectorKind.Vector || found.ItemType != NumberDataViewType.Byte)
        {
            throw new BlockTransformException($"{stage}: column '{column}' is not a resized image; {stage} takes the output of Resize (a fixed-size byte vector of [height, width, channels]).");
        }

        return Scoring.SchemaShapeColumns.Create(output, new VectorDataViewType(item, 1));
    }
}
