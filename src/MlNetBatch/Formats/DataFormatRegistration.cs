namespace MlNetBatch.Formats;

/// <summary>A format's reader and the file extensions that name it; the first is the one written.</summary>
/// <param name="Reader">Reads the format; its <see cref="IDataFormat.Kind"/> is the name jobs and sources use.</param>
/// <param name="Extensions">Extensions with their dots, in lower case, e.g. <c>.parquet</c>, <c>.pq</c>.</param>
public sealed record DataFormatRegistration(IDataFormat Reader, IReadOnlyList<string> Extensions);
