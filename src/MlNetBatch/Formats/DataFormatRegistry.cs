using MlNetBatch.Data;
using MlNetBatch.Formats.Csv;
using MlNetBatch.Formats.JsonLines;
using MlNetBatch.Formats.Parquet;
using MlNetBatch.Formats.Text;

namespace MlNetBatch.Formats;

/// <summary>
/// The registered formats: the reader for a <see cref="DataFormatKind"/>, and the format a file name's extension
/// names. Built from registrations, as <see cref="Storage.ObjectStoreResolver"/> is from stores; a later
/// registration of a kind replaces an earlier one.
/// </summary>
public sealed class DataFormatRegistry
{
    private readonly Dictionary<DataFormatKind, DataFormatRegistration> _byKind = [];
    private readonly Dictionary<string, DataFormatKind> _byExtension = new(StringComparer.Ordinal);

    /// <summary>Creates a registry of <paramref name="registrations"/>.</summary>
    public DataFormatRegistry(IEnumerable<DataFormatRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        foreach (var registration in registrations)
        {
            ArgumentOutOfRangeException.ThrowIfZero(registration.Extensions.Count, nameof(registration));
            _byKind[registration.Reader.Kind] = registration;
            foreach (var extension in registration.Extensions)
            {
                _byExtension[extension] = registration.Reader.Kind;
            }
        }
    }

    /// <summary>The registrations of the built-in formats.</summary>
    public static IReadOnlyList<DataFormatRegistration> BuiltIn { get; } =
    [
        new(ParquetFormat.Instance, [".parquet", ".pq"]),
        new(CsvFormat.Instance, [".csv", ".tsv"]),
        new(JsonLinesFormat.Instance, [".jsonl", ".ndjson", ".json"]),
    ];

    /// <summary>The built-in formats: Parquet, CSV (and TSV) and JSON Lines. Used wherever no registry is given.</summary>
    public static DataFormatRegistry Default { get; } = new(BuiltIn);

    /// <summary>The reader for <paramref name="kind"/>.</summary>
    public IDataFormat For(DataFormatKind kind) => Find(kind).Reader;

    /// <summary>The format a path's extension names (after a compression extension such as <c>.gz</c>), or null.</summary>
    public DataFormatKind? Detect(string path)
    {
        var name = CompressedText.WithoutCodecExtension(path.ToLowerInvariant());
        return _byExtension.TryGetValue(Path.GetExtension(name), out var kind) ? kind : null;
    }

    /// <summary>The extension, with its dot, of files written in <paramref name="kind"/>.</summary>
    public string Extension(DataFormatKind kind) => Find(kind).Extensions[0];

    private DataFormatRegistration Find(DataFormatKind kind) => _byKind.TryGetValue(kind, out var registration)
        ? registration
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, $"No reader is registered for {kind}; registered: {string.Join(", ", _byKind.Keys)}.");
}
