using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// Turns resized RGBA images into RGB, BGR or gray (<see cref="ImageColor"/>), dropping alpha: a byte vector shaped
/// [height, width, 3] or [height, width, 1].
/// </summary>
public sealed class ConvertColorBlockTransform : IBlockTransform, IDescribesOutputShape
{
    private readonly string _output;
    private readonly string _input;
    private readonly ImageColor _color;

    /// <summary>Creates the transform.</summary>
    public ConvertColorBlockTransform(string outputColumnName, string inputColumnName, ImageColor color)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        _output = outputColumnName;
        _input = inputColumnName;
        _color = color;
    }

    /// <inheritdoc />
    public string Name => "ConvertColor";

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => [_input];

    /// <inheritdoc />
    IReadOnlyList<SchemaShape.Column> IDescribesOutputShape.GetOutputShape(SchemaShape inputSchema) =>
        [ImageColumns.ShapedOutput(inputSchema, _input, Name, _output, NumberDataViewType.Byte)];

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var (height, width, channels) = ImageColumns.ShapeOf(inputSchema, _input, Name);
        if (channels != ImageColumns.DecodedChannels)
        {
            throw new BlockTransformException($"{Name}: column '{_input}' has {channels} channels; ConvertColor takes the RGBA output of Resize, once.");
        }

        return [new BlockOutputColumn(_output, ImageColumns.Shaped(height, width, _color == ImageColor.Gray ? 1 : 3))];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var output = schema.Count - 1;
        return new Mapper(BlockColumns.InputIndex(schema, _input, output), output, _color);
    }

    private sealed class Mapper(int input, int output, ImageColor color) : IBlockMapper
    {
        public void Map(RecordBatch block)
        {
            var source = block.Column<VectorColumnBuffer<byte>>(input);
            var target = block.Column<VectorColumnBuffer<byte>>(output);
            for (var row = 0; row < block.RowCount; row++)
            {
                Convert(source.Row(row), target.Row(row), color);
            }
        }

        private static void Convert(ReadOnlySpan<byte> rgba, Span<byte> destination, ImageColor color)
        {
            var pixels = rgba.Length / 4;
            switch (color)
            {
                case ImageColor.Rgb:
                    for (var p = 0; p < pixels; p++)
                    {
                        destination[(p * 3) + 0] = rgba[(p * 4) + 0];
                        destination[(p * 3) + 1] = rgba[(p * 4) + 1];
                        destination[(p * 3) + 2] = rgba[(p * 4) + 2];
                    }

                    break;
                case ImageColor.Bgr:
                    for (var p = 0; p < pixels; p++)
                    {
                        destination[(p * 3) + 0] = rgba[(p * 4) + 2];
                        destination[(p * 3) + 1] = rgba[(p * 4) + 1];
                        destination[(p * 3) + 2] = rgba[(p * 4) + 0];
                    }

                    break;
                default:
                    for (var p = 0; p < pixels; p++)
                    {
                        // BT.601 luma in fixed point (weights x 2^16, summing to 2^16), rounded half up.
                        destination[p] = (byte)(((19595 * rgba[p * 4]) + (38470 * rgba[(p * 4) + 1]) + (7471 * rgba[(p * 4) + 2]) + 32768) >> 16);
                    }

                    break;
            }
        }
    }
}
