using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// Turns images of a known shape (the output of <c>Resize</c> or <c>ConvertColor</c>) into a model input row:
/// <c>(pixel * Scale - Mean[c]) / Std[c]</c> as floats, or the pixels as bytes, laid out NCHW or NHWC
/// (<see cref="ImageTensorOptions"/>). RGBA images lose their alpha. The output is a fixed-size vector of C*H*W values,
/// which the scorer packs straight into an image input such as [N, 3, 224, 224].
/// </summary>
public sealed class ImageToTensorBlockTransform : IBlockTransform, IDescribesOutputShape
{
    private readonly string _output;
    private readonly string _input;
    private readonly ImageTensorOptions _options;

    /// <summary>Creates the transform.</summary>
    public ImageToTensorBlockTransform(string outputColumnName, string inputColumnName, ImageTensorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        options ??= new ImageTensorOptions();
        var problems = options.Problems(channels: null).ToList();
        if (problems.Count > 0)
        {
            throw new BlockTransformException($"ToTensor into '{outputColumnName}': {string.Join(" ", problems)}");
        }

        _output = outputColumnName;
        _input = inputColumnName;
        _options = new ImageTensorOptions { Layout = options.Layout, Element = options.Element, Scale = options.Scale, Mean = [.. options.Mean], Std = [.. options.Std] };
    }

    /// <inheritdoc />
    public string Name => "ToTensor";

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => [_input];

    /// <inheritdoc />
    IReadOnlyList<SchemaShape.Column> IDescribesOutputShape.GetOutputShape(SchemaShape inputSchema) =>
        [ImageColumns.ShapedOutput(inputSchema, _input, Name, _output, _options.Element == ImageTensorElement.Float ? NumberDataViewType.Single : NumberDataViewType.Byte)];

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var (height, width, channels) = ImageColumns.ShapeOf(inputSchema, _input, Name);
        var kept = KeptChannels(channels);
        var problems = _options.Problems(kept).ToList();
        if (problems.Count > 0)
        {
            throw new BlockTransformException($"{Name} into '{_output}': {string.Join(" ", problems)}");
        }

        PrimitiveDataViewType item = _options.Element == ImageTensorElement.Float ? NumberDataViewType.Single : NumberDataViewType.Byte;
        var type = _options.Layout == ImageTensorLayout.Nchw
            ? new VectorDataViewType(item, kept, height, width)
            : new VectorDataViewType(item, height, width, kept);
        return [new BlockOutputColumn(_output, type)];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var output = schema.Count - 1;
        var input = BlockColumns.InputIndex(schema, _input, output);
        var (height, width, channels) = ImageColumns.ShapeOf(schema, schema[input].Name, Name);
        var shape = new TensorShape(height * width, channels, KeptChannels(channels), _options.Layout == ImageTensorLayout.Nchw);
        return _options.Element == ImageTensorElement.Float
            ? new FloatMapper(input, output, shape, Table(shape.Kept))
            : new ByteMapper(input, output, shape);
    }

    private static int KeptChannels(int channels) => channels == ImageColumns.DecodedChannels ? 3 : channels;

    /// <summary>Every channel's value for every pixel value: normalizing is then one look-up per value.</summary>
    private float[] Table(int channels)
    {
        var table = new float[channels * 256];
        for (var c = 0; c < channels; c++)
        {
            var mean = _options.Mean.Count == 0 ? 0f : _options.Mean[_options.Mean.Count == 1 ? 0 : c];
            var std = _options.Std.Count == 0 ? 1f : _options.Std[_options.Std.Count == 1 ? 0 : c];
            for (var v = 0; v < 256; v++)
            {
                table[(c * 256) + v] = ((v * _options.Scale) - mean) / std;
            }
        }

        return table;
    }

    /// <summary>An image's geometry: pixels, channels stored, channels kept, and whether channels come first.</summary>
    private readonly record struct TensorShape(int Pixels, int Stored, int Kept, bool ChannelsFirst)
    {
        /// <summary>Where value (pixel, channel) goes in the output row.</summary>
        public int Index(int pixel, int channel) => ChannelsFirst ? (channel * Pixels) + pixel : (pixel * Kept) + channel;
    }

    private sealed class FloatMapper(int input, int output, TensorShape shape, float[] table) : IBlockMapper
    {
        public void Map(RecordBatch block)
        {
            var source = block.Column<VectorColumnBuffer<byte>>(input);
            var target = block.Column<VectorColumnBuffer<float>>(output);
            for (var row = 0; row < block.RowCount; row++)
            {
                var pixels = source.Row(row);
                var values = target.Row(row);
                for (var c = 0; c < shape.Kept; c++)
                {
                    var lookup = table.AsSpan(c * 256, 256);
                    for (var p = 0; p < shape.Pixels; p++)
                    {
                        values[shape.Index(p, c)] = lookup[pixels[(p * shape.Stored) + c]];
                    }
                }
            }
        }
    }

    private sealed class ByteMapper(int input, int output, TensorShape shape) : IBlockMapper
    {
        public void Map(RecordBatch block)
        {
            var source = block.Column<VectorColumnBuffer<byte>>(input);
            var target = block.Column<VectorColumnBuffer<byte>>(output);
            for (var row = 0; row < block.RowCount; row++)
            {
                var pixels = source.Row(row);
                var values = target.Row(row);
                for (var c = 0; c < shape.Kept; c++)
                {
                    for (var p = 0; p < shape.Pixels; p++)
                    {
                        values[shape.Index(p, c)] = pixels[(p * shape.Stored) + c];
                    }
                }
            }
        }
    }
}
