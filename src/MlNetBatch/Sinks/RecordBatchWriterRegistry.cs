using MlNetBatch.Data;
using MlNetBatch.Sinks.Parquet;

namespace MlNetBatch.Sinks;

/// <summary>
/// The registered output formats: makes the <see cref="IRecordBatchWriter"/> for a <see cref="DataFormatKind"/>.
/// Built from registrations; a later registration of a kind replaces an earlier one.
/// </summary>
public sealed class RecordBatchWriterRegistry
{
    private readonly Dictionary<DataFormatKind, RecordBatchWriterRegistration> _byKind = [];

    /// <summary>Creates a registry of <paramref name="registrations"/>.</summary>
    public RecordBatchWriterRegistry(IEnumerable<RecordBatchWriterRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        foreach (var registration in registrations)
        {
            ArgumentNullException.ThrowIfNull(registration);
            ArgumentException.ThrowIfNullOrWhiteSpace(registration.Kind.Name, nameof(registrations));
            _byKind[registration.Kind] = registration;
        }
    }

    /// <summary>The registrations of the built-in writers.</summary>
    public static IReadOnlyList<RecordBatchWriterRegistration> BuiltIn { get; } =
    [
        new(DataFormatKind.Parquet, (stream, columns, parquet) => new ParquetBatchWriter(stream, columns, parquet)),
        new(DataFormatKind.Csv, (stream, columns, _) => new CsvBatchWriter(stream, columns)),
        new(DataFormatKind.JsonLines, (stream, columns, _) => new JsonLinesBatchWriter(stream, columns)),
    ];

    /// <summary>
    /// The built-in writers: Parquet, CSV and JSON Lines. Used wherever no registry is given, as by
    /// <c>mlContext.Data.SaveAs…</c>; a host's jobs use the one <c>AddMlNetBatch</c> builds.
    /// </summary>
    public static RecordBatchWriterRegistry Default { get; } = new(BuiltIn);

    /// <summary>The formats that can be written, in registration order.</summary>
    public IReadOnlyCollection<DataFormatKind> Kinds => _byKind.Keys;

    /// <summary>Whether a writer is registered for <paramref name="kind"/>.</summary>
    public bool Contains(DataFormatKind kind) => _byKind.ContainsKey(kind);

    /// <summary>
    /// A writer of <paramref name="format"/> over <paramref name="stream"/> for <paramref name="columns"/>;
    /// <paramref name="parquet"/> sets up Parquet output (defaults when null) and is ignored by other formats.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No writer of that format is registered; the message lists those that are.</exception>
    public IRecordBatchWriter Create(DataFormatKind format, Stream stream, IReadOnlyList<SinkColumn> columns, ParquetSinkOptions? parquet = null) =>
        _byKind.TryGetValue(format, out var registration)
            ? registration.Create(stream, columns, parquet)
            : throw new ArgumentOutOfRangeException(nameof(format), format.Name, $"No writer is registered for '{format}'; the formats that can be written are {string.Join(", ", Kinds)}.");
}
