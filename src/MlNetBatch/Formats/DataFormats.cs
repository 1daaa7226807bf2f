using MlNetBatch.Data;

using MlNetBatch.Formats.Csv;
using MlNetBatch.Formats.JsonLines;
using MlNetBatch.Formats.Parquet;

namespace MlNetBatch.Formats;

/// <summary>The built-in formats, and detection of a format from a file name.</summary>
public static class DataFormats
{
    /// <summary>The reader for <paramref name="kind"/>.</summary>
    public static IDataFormat For(DataFormatKind kind) => kind switch
    {
        DataFormatKind.Parquet => ParquetFormat.Instance,
        DataFormatKind.Csv => CsvFormat.Instance,
        DataFormatKind.JsonLines => JsonLinesFormat.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown data format."),
    };

    /// <summary>The format a path's extension names, or null when it names none.</summary>
    public static DataFormatKind? Detect(string path)
    {
        var name = Text.CompressedText.WithoutCodecExtension(path.ToLowerInvariant());

        return Path.GetExtension(name) switch
        {
            ".parquet" or ".pq" => DataFormatKind.Parquet,
            ".csv" or ".tsv" => DataFormatKind.Csv,
            ".jsonl" or ".ndjson" or ".json" => DataFormatKind.JsonLines,
            _ => null,
        };
    }

    /// <summary>The usual file extension for a format, with its dot.</summary>
    public static string Extension(DataFormatKind kind) => kind switch
    {
        DataFormatKind.Parquet => ".parquet",
        DataFormatKind.Csv => ".csv",
        DataFormatKind.JsonLines => ".jsonl",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown data format."),
    };
}
