using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Formats.Images;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>
/// Decodes encoded images (JPEG, PNG, BMP, WebP: a <c>bytes</c> column) into RGBA pixels plus their width and height
/// (see <see cref="ImageColumns"/>). An image that does not decode whole (corrupt, truncated, not an image) is a bad
/// record: it goes to the job's quarantine with its path, or fails the block when there is no quarantine.
/// </summary>
public sealed class DecodeImageBlockTransform : IBlockTransform
{
    private readonly string _output;
    private readonly string _input;
    private readonly string? _path;
    private readonly int _minWidth;
    private readonly int _minHeight;

    /// <summary>Creates the transform.</summary>
    /// <param name="outputColumnName">The decoded image column; <c>_width</c> and <c>_height</c> columns are added beside it.</param>
    /// <param name="inputColumnName">The encoded bytes (a variable-size byte vector).</param>
    /// <param name="pathColumnName">A text column naming each image, for the quarantine; null for none.</param>
    /// <param name="minWidth">
    /// With <paramref name="minHeight"/>, the size a later Resize needs: a JPEG then decodes at the smallest of its
    /// reduced scales (1/2, 1/4, 1/8) still at least this large, which is much faster; the width and height columns give
    /// the decoded size. Zero (the default) decodes every image whole.
    /// </param>
    /// <param name="minHeight">See <paramref name="minWidth"/>.</param>
    public DecodeImageBlockTransform(string outputColumnName = "image", string inputColumnName = ImageSourceColumns.Bytes, string? pathColumnName = ImageSourceColumns.Path,
        int minWidth = 0, int minHeight = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(minHeight);
        _minWidth = minWidth;
        _minHeight = minHeight;
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        _output = outputColumnName;
        _input = inputColumnName;
        _path = string.IsNullOrWhiteSpace(pathColumnName) ? null : pathColumnName;
        InputColumns = _path is null ? [_input] : [_input, _path];
    }

    /// <inheritdoc />
    public string Name => "DecodeImage";

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns { get; }

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = ImageColumns.Find(inputSchema, _input, Name);
        if (!input.Type.Equals(ImageSourceColumns.BytesType))
        {
            throw new BlockTransformException($"{Name}: column '{_input}' holds {ColumnTypeNames.Format(input.Type)}; it needs the encoded image as bytes (a variable-size byte vector, as an Images source's 'bytes' or a binary Parquet column).");
        }

        if (_path is not null && inputSchema.GetColumnOrNull(_path) is not { Type: TextDataViewType })
        {
            throw new BlockTransformException($"{Name}: the path column '{_path}' is not a text column of the data; name the column that says which image a row is (PathColumn), or none.");
        }

        return
        [
            new BlockOutputColumn(_output, ImageColumns.DecodedType),
            new BlockOutputColumn(ImageColumns.WidthOf(_output), NumberDataViewType.Int32),
            new BlockOutputColumn(ImageColumns.HeightOf(_output), NumberDataViewType.Int32),
        ];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var output = schema.Count - 3;
        var path = _path is null ? -1 : BlockColumns.InputIndex(schema, _path, output);
        return new Mapper(BlockColumns.InputIndex(schema, _input, output), path, output, _input, _minWidth, _minHeight);
    }

    private sealed class Mapper(int input, int path, int output, string inputName, int minWidth, int minHeight) : IDropsRows, IDisposable
    {
        private readonly SkiaPixels _pixels = new();
        private VBuffer<byte> _dense;

        public BlockRowDrops Drops { get; } = new();

        public void Map(RecordBatch block)
        {
            var encoded = block.Column<VariableVectorColumnBuffer<byte>>(input).Values;
            var images = block.Column<VariableVectorColumnBuffer<byte>>(output).Values;
            var widths = block.Column<ScalarColumnBuffer<int>>(output + 1).Values;
            var heights = block.Column<ScalarColumnBuffer<int>>(output + 2).Values;
            for (var row = 0; row < block.RowCount; row++)
            {
                var bytes = encoded[row];
                if (!bytes.IsDense)
                {
                    bytes.CopyToDense(ref _dense);
                    bytes = _dense;
                }

                var error = _pixels.TryDecode(bytes.GetValues(), out var rgba, out var width, out var height, minWidth, minHeight);
                var editor = VBufferEditor.Create(ref images[row], error is null ? rgba.Length : 0, keepOldOnResize: false);
                if (error is null)
                {
                    rgba.CopyTo(editor.Values);
                }
                else
                {
                    width = height = 0;
                    Drops.Reject(row, inputName, $"DecodeImage: {error}", value: null, PathAt(block, row));
                }

                images[row] = editor.Commit();
                widths[row] = width;
                heights[row] = height;
            }
        }

        public void Dispose() => _pixels.Dispose();

        private string? PathAt(RecordBatch block, int row) =>
            path >= 0 && block.Columns[path] is TextColumnBuffer text ? text.Values[row].ToString() : null;
    }
}
