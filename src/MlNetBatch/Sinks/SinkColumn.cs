using Microsoft.ML.Data;

namespace MlNetBatch.Sinks;

/// <summary>A column written to the output: where it comes from in the data view, and its type.</summary>
/// <param name="Name">The column name in the output file.</param>
/// <param name="SourceIndex">The column's index in the data view's schema.</param>
/// <param name="Type">The column's ML.NET type.</param>
public sealed record SinkColumn(string Name, int SourceIndex, DataViewType Type);
