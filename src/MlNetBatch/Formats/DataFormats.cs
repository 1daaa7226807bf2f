using MlNetBatch.Data;

namespace MlNetBatch.Formats;

/// <summary>The built-in formats (<see cref="DataFormatRegistry.Default"/>), for code that is given no registry.</summary>
public static class DataFormats
{
    /// <summary>The reader for <paramref name="kind"/>.</summary>
    public static IDataFormat For(DataFormatKind kind) => DataFormatRegistry.Default.For(kind);

    /// <summary>The format a path's extension names, or null when it names none.</summary>
    public static DataFormatKind? Detect(string path) => DataFormatRegistry.Default.Detect(path);

    /// <summary>The usual file extension for a format, with its dot.</summary>
    public static string Extension(DataFormatKind kind) => DataFormatRegistry.Default.Extension(kind);
}
