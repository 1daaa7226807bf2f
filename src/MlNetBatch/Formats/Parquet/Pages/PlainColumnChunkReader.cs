using System.Runtime.CompilerServices;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Parquet.Meta;
using Parquet.Schema;
using Snappier;

namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>
/// Reads a flat column chunk of fixed-width numbers stored with the plain encoding, uncompressed or Snappy-compressed:
/// the shape of nearly every feature column. The chunk is fetched in one read and its pages are decoded straight into
/// the caller's buffers, with pooled scratch memory.
/// </summary>
/// <remarks>
/// Parquet.Net copies every compressed page through a growing <see cref="MemoryStream"/> into a new array: about three
/// times the page size of fresh large-object-heap memory per page, which on a feature table costs more than the
/// decoding itself. Anything this reader does not handle (dictionaries, other codecs and encodings, nested or
/// encrypted columns), and any page it finds malformed, is left to Parquet.Net, so its results and errors stay the
/// reference.
/// </remarks>
internal static class PlainColumnChunkReader
{
    /// <summary>
    /// Reads the chunk into <paramref name="values"/> (present values only, in order) and, for optional columns,
    /// <paramref name="definitions"/> (one level per row), as <c>ParquetRowGroupReader.ReadRawAsync</c> does.
    /// Returns false, having read nothing that matters, when the chunk is not one this reader handles.
    /// </summary>
    public static async ValueTask<bool> TryReadAsync<T>(
        Stream stream, ColumnChunk? chunk, DataField field, Memory<T> values, Memory<int> definitions, CancellationToken cancellationToken)
        where T : struct
    {
        if (chunk?.MetaData is not { } meta || !IsSupported<T>(chunk, meta, field) || meta.NumValues > values.Length || meta.NumValues > definitions.Length)
        {
            return false;
        }

        var length = checked((int)meta.TotalCompressedSize);
        if (length <= 0 || meta.DataPageOffset < 0 || meta.DataPageOffset + length > stream.Length)
        {
            return false;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            stream.Seek(meta.DataPageOffset, SeekOrigin.Begin);
            await stream.ReadExactlyAsync(bytes.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            return Decode(bytes.AsSpan(0, length), meta.Codec, field.MaxDefinitionLevel, (int)meta.NumValues, values.Span, definitions.Span);
        }
        catch (InvalidDataException)
        {
            // Parquet.Net reads it again and reports the problem in its own words, naming what is wrong.
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static bool IsSupported<T>(ColumnChunk chunk, ColumnMetaData meta, DataField field)
    {
        if (!BitConverter.IsLittleEndian || field.MaxRepetitionLevel != 0 || field.ClrType != typeof(T)
            || chunk.FilePath is not null || chunk.CryptoMetadata is not null || chunk.EncryptedColumnMetadata is not null
            || meta.DictionaryPageOffset is > 0 || meta.Codec is not (CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY))
        {
            return false;
        }

        foreach (var encoding in meta.Encodings)
        {
            if (encoding is Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY)
            {
                return false;
            }
        }

        return meta.Type switch
        {
            global::Parquet.Meta.Type.FLOAT => typeof(T) == typeof(float),
            global::Parquet.Meta.Type.DOUBLE => typeof(T) == typeof(double),
            global::Parquet.Meta.Type.INT32 => typeof(T) == typeof(int),
            global::Parquet.Meta.Type.INT64 => typeof(T) == typeof(long),
            _ => false,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Decode<T>(ReadOnlySpan<byte> chunk, CompressionCodec codec, int maxDefinition, int valueCount, Span<T> values, Span<int> definitions)
        where T : struct
    {
        var itemSize = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var bitWidth = maxDefinition == 0 ? 0 : 32 - int.LeadingZeroCount(maxDefinition);
        var levelsRead = 0;
        var valuesRead = 0;
        var position = 0;
        byte[]? scratch = null;
        try
        {
            while (levelsRead < valueCount)
            {
                var header = PageHeader.Read(chunk[position..], out var headerLength);
                position += headerLength;
                if (header.CompressedSize > chunk.Length - position)
                {
                    throw new InvalidDataException("A page runs past the end of its column chunk.");
                }

                var payload = chunk.Slice(position, header.CompressedSize);
                position += header.CompressedSize;
                if (header.Kind == PageKind.Index)
                {
                    continue;
                }

                if (header.Kind is not (PageKind.Data or PageKind.DataV2) || header.Encoding != ValueEncoding.Plain
                    || header.RepetitionLevelsLength != 0 || header.ValueCount > valueCount - levelsRead)
                {
                    return false;
                }

                ReadOnlySpan<byte> levels;
                ReadOnlySpan<byte> data;
                if (header.Kind == PageKind.Data)
                {
                    // Version 1: levels and values are compressed together; levels carry a 4-byte length.
                    var page = payload;
                    if (codec != CompressionCodec.UNCOMPRESSED)
                    {
                        scratch = Decompress(payload, header.UncompressedSize, scratch);
                        page = scratch.AsSpan(0, header.UncompressedSize);
                    }

                    if (maxDefinition == 0)
                    {
                        levels = default;
                        data = page;
                    }
                    else
                    {
                        if (header.DefinitionLevelEncoding != ValueEncoding.Rle)
                        {
                            return false;
                        }

                        var levelLength = page.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(page) : -1;
                        if (levelLength < 0 || levelLength > page.Length - 4)
                        {
                            throw new InvalidDataException("Definition levels run past the end of their page.");
                        }

                        levels = page.Slice(4, levelLength);
                        data = page[(4 + levelLength)..];
                    }
                }
                else
                {
                    // Version 2: levels come first, never compressed; only the values may be.
                    if (header.DefinitionLevelsLength > payload.Length)
                    {
                        throw new InvalidDataException("Definition levels run past the end of their page.");
                    }

                    levels = payload[..header.DefinitionLevelsLength];
                    var rest = payload[header.DefinitionLevelsLength..];
                    data = rest;
                    if (header.IsCompressed && codec != CompressionCodec.UNCOMPRESSED)
                    {
                        var size = header.UncompressedSize - header.DefinitionLevelsLength;
                        scratch = Decompress(rest, size, scratch);
                        data = scratch.AsSpan(0, size);
                    }
                }

                var present = maxDefinition == 0
                    ? header.ValueCount
                    : LevelDecoder.Decode(levels, bitWidth, maxDefinition, definitions.Slice(levelsRead, header.ValueCount));
                if ((long)present * itemSize > data.Length)
                {
                    throw new InvalidDataException("A page holds fewer values than its header says.");
                }

                MemoryMarshal.Cast<byte, T>(data[..(present * itemSize)]).CopyTo(values[valuesRead..]);
                valuesRead += present;
                levelsRead += header.ValueCount;
            }

            return true;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>Decompresses into <paramref name="scratch"/>, or a larger pooled array that replaces it, and returns that array.</summary>
    private static byte[] Decompress(ReadOnlySpan<byte> compressed, int size, byte[]? scratch)
    {
        if (size < 0)
        {
            throw new InvalidDataException("A page has a negative size.");
        }

        if (scratch is null || scratch.Length < size)
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            scratch = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        }

        if (!Snappy.TryDecompress(compressed, scratch.AsSpan(0, size), out var written) || written != size)
        {
            throw new InvalidDataException("A Snappy-compressed page does not decompress to its stated size.");
        }

        return scratch;
    }
}
