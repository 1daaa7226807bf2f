using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// Resizes decoded images (the output of <c>DecodeImage</c>) to a fixed width and height with SkiaSharp: a centre crop
/// after scaling the shorter side, a stretch, or a letterbox (<see cref="ImageResizeMode"/>), with the interpolation named.
/// The output is a byte vector shaped [height, width, 4] (RGBA).
/// </summary>
public sealed class ResizeImageBlockTransform : IBlockTransform
{
    private readonly string _output;
    private readonly string _input;
    private readonly int _width;
    private readonly int _height;
    private readonly ImageResizeMode _mode;
    private readonly ImageInterpolation _interpolation;

    /// <summary>Creates the transform.</summary>
    public ResizeImageBlockTransform(string outputColumnName, string inputColumnName, int width, int height,
        ImageResizeMode mode = ImageResizeMode.CropCenter, ImageInterpolation interpolation = ImageInterpolation.Linear)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)width * height, SkiaPixels.MaxPixels, "width * height");
        _output = outputColumnName;
        _input = inputColumnName;
        _width = width;
        _height = height;
        _mode = mode;
        _interpolation = interpolation;
        InputColumns = [_input, ImageColumns.WidthOf(_input), ImageColumns.HeightOf(_input)];
    }

    /// <inheritdoc />
    public string Name => "Resize";

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns { get; }

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = ImageColumns.Find(inputSchema, _input, Name);
        var width = inputSchema.GetColumnOrNull(ImageColumns.WidthOf(_input));
        var height = inputSchema.GetColumnOrNull(ImageColumns.HeightOf(_input));
        if (!input.Type.Equals(ImageColumns.DecodedType) || width?.Type != NumberDataViewType.Int32 || height?.Type != NumberDataViewType.Int32)
        {
            throw new BlockTransformException($"{Name}: column '{_input}' is not a decoded image; Resize takes the output of DecodeImage (pixels, with '{ImageColumns.WidthOf(_input)}' and '{ImageColumns.HeightOf(_input)}' beside them).");
        }

        return [new BlockOutputColumn(_output, ImageColumns.Shaped(_height, _width, ImageColumns.DecodedChannels))];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var output = schema.Count - 1;
        return new Mapper(this, BlockColumns.InputIndex(schema, _input, output), BlockColumns.InputIndex(schema, ImageColumns.WidthOf(_input), output),
            BlockColumns.InputIndex(schema, ImageColumns.HeightOf(_input), output), output);
    }

    private sealed class Mapper(ResizeImageBlockTransform transform, int input, int widths, int heights, int output) : IBlockMapper, IDisposable
    {
        private readonly SkiaPixels _pixels = new();
        private readonly SkiaSharp.SKSamplingOptions _sampling = SkiaPixels.Sampling(transform._interpolation);

        public void Map(RecordBatch block)
        {
            var images = block.Column<VariableVectorColumnBuffer<byte>>(input).Values;
            var width = block.Column<ScalarColumnBuffer<int>>(widths).Values;
            var height = block.Column<ScalarColumnBuffer<int>>(heights).Values;
            var target = block.Column<VectorColumnBuffer<byte>>(output);
            for (var row = 0; row < block.RowCount; row++)
            {
                var pixels = images[row].GetValues();
                if (width[row] < 1 || height[row] < 1 || pixels.Length != width[row] * height[row] * ImageColumns.DecodedChannels)
                {
                    throw new BlockTransformException($"Resize: row {row} of '{transform._input}' holds {pixels.Length} bytes for a {width[row]} x {height[row]} RGBA image.");
                }

                _pixels.Resize(pixels, width[row], height[row], target.Row(row), transform._width, transform._height, transform._mode, _sampling);
            }
        }

        public void Dispose() => _pixels.Dispose();
    }
}
