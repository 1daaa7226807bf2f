using MlNetBatch.Data;
using MlNetBatch.Formats.Csv;
using MlNetBatch.Formats.Images;
using MlNetBatch.Formats.JsonLines;
using MlNetBatch.Formats.Parquet;
using MlNetBatch.Formats.Text;
using MlNetBatch.Formats.TextLines;

namespace MlNetBatch.Formats;

/// <summary>
/// The registered formats: the reader of a <see cref="DataFormatKind"/>, and the format a file name's extension
/// names. Built from registrations, as <see cref="Storage.ObjectStoreResolver"/> is from stores; a later
/// registration of a kind replaces an earlier one, and a later claim on an extension wins.
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
            ArgumentNullException.ThrowIfNull(registration);
            var kind = registration.Reader.Kind;
            if (string.IsNullOrWhiteSpace(kind.Name) || registration.Extensions.Count == 0
                || registration.Extensions.Any(e => e is null || e.Length < 2 || e[0] != '.'))
            {
                throw new ArgumentException(
                    $"The registration of format '{kind}' needs a name and at least one extension with its dot (such as .parquet); it has {string.Join(", ", registration.Extensions)}.",
                    nameof(registrations));
            }

            _byKind[kind] = registration;
            foreach (var extension in registration.Extensions)
            {
                // Paths are lower-cased before the look-up, so that DATA.PARQUET is Parquet too.
                _byExtension[extension.ToLowerInvariant()] = kind;
            }
        }
    }

    /// <summary>The registrations of the built-in formats.</summary>
    public static IReadOnlyList<DataFormatRegistration> BuiltIn { get; } =
    [
        new(ParquetFormat.Instance, [".parquet", ".pq"]),
        new(CsvFormat.Instance, [".csv", ".tsv"]),
        new(JsonLinesFormat.Instance, [".jsonl", ".ndjson", ".json"]),
        new(TextLinesFormat.Instance, [".txt"]),
        new(ImagesFormat.Instance, ImageFileTypes.Extensions),
    ];

    /// <summary>
    /// The built-in formats: Parquet, CSV (and TSV), JSON Lines, plain text lines and Images. Used wherever no registry is given, as by
    /// <c>mlContext.Data.LoadFrom…</c>; a host's jobs use the one <c>AddMlNetBatch</c> builds.
    /// </summary>
    public static DataFormatRegistry Default { get; } = new(BuiltIn);

    /// <summary>The registered formats, in registration order.</summary>
    public IReadOnlyCollection<DataFormatKind> Kinds => _byKind.Keys;

    /// <summary>Whether a reader is registered for <paramref name="kind"/>.</summary>
    public bool Contains(DataFormatKind kind) => _byKind.ContainsKey(kind);

    /// <summary>The reader for <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No format of that name is registered; the message lists those that are.</exception>
    public IDataFormat For(DataFormatKind kind) => Find(kind).Reader;

    /// <summary>The format a path's extension names (after a compression extension such as <c>.gz</c>), or null.</summary>
    public DataFormatKind? Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = CompressedText.WithoutCodecExtension(path.ToLowerInvariant());
        return _byExtension.TryGetValue(Path.GetExtension(name), out var kind) ? kind : null;
    }

    /// <summary>The extension, with its dot, of files written in <paramref name="kind"/>: the first one registered.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No format of that name is registered.</exception>
    public string Extension(DataFormatKind kind) => Find(kind).Extensions[0];

    private DataFormatRegistration Find(DataFormatKind kind) => _byKind.TryGetValue(kind, out var registration)
        ? registration
        : throw new ArgumentOutOfRangeException(nameof(kind), kind.Name, $"No format named '{kind}' is registered; the formats are {string.Join(", ", Kinds)}.");
}
