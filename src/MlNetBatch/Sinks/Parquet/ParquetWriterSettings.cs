using System.Globalization;
using Microsoft.ML.Data;
using MlNetBatch.Formats.Parquet;
using ParquetSharp;
using ParquetSharp.Schema;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>The schema, writer properties and file metadata of a Parquet output, from its columns and options.</summary>
internal static class ParquetWriterSettings
{
    /// <summary>The file's schema: one top-level field per column, in order.</summary>
    public static GroupNode Schema(IReadOnlyList<ParquetColumnSink> sinks)
    {
        var nodes = sinks.Select(s => s.CreateNode()).ToArray();
        try
        {
            return new GroupNode("schema", Repetition.Required, nodes);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }

    /// <summary>
    /// The codec for every column, statistics on, and per column the dictionary and encoding its values call for
    /// (see <see cref="ParquetColumnSink.UseDictionary"/>).
    /// </summary>
    public static WriterProperties Properties(ParquetSinkOptions options, IReadOnlyList<ParquetColumnSink> sinks)
    {
        using var builder = new WriterPropertiesBuilder();
        builder.Compression(Codec(options.Compression)).EnableStatistics().DisableDictionary();
        if (options.CompressionLevel is { } level)
        {
            builder.CompressionLevel(level);
        }

        foreach (var sink in sinks)
        {
            using var path = new ColumnPath(sink.LeafPath);
            if (sink.UseDictionary)
            {
                builder.EnableDictionary(path);
            }
            else if (sink.Encoding is { } encoding)
            {
                builder.Encoding(path, encoding);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// File metadata that records each fixed-size vector's length. A list's length is otherwise only inferable from
    /// data, and a file with no rows (a partition whose rows all went to quarantine) has none.
    /// </summary>
    public static Dictionary<string, string> Metadata(IReadOnlyList<ParquetColumnSink> sinks) =>
        sinks.Where(s => s.Column.Type is VectorDataViewType { Size: > 0 })
            .ToDictionary(
                s => ParquetTypeMapping.VectorSizeKey(s.Column.Name),
                s => ((VectorDataViewType)s.Column.Type).Size.ToString(CultureInfo.InvariantCulture));

    private static Compression Codec(ParquetCompression compression) => compression switch
    {
        ParquetCompression.Uncompressed => Compression.Uncompressed,
        ParquetCompression.Snappy => Compression.Snappy,
        ParquetCompression.Zstd => Compression.Zstd,
        ParquetCompression.Gzip => Compression.Gzip,
        // Arrow's LZ4 is the format's LZ4_RAW; the older Hadoop-framed LZ4 is deprecated.
        ParquetCompression.Lz4 => Compression.Lz4,
        ParquetCompression.Brotli => Compression.Brotli,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown Parquet codec."),
    };
}
