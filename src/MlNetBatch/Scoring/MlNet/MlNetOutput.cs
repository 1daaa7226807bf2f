using Microsoft.ML.Data;

namespace MlNetBatch.Scoring.MlNet;

/// <summary>One column an ML.NET model adds that a job writes.</summary>
/// <param name="ModelColumn">The column's name in the model's output schema.</param>
/// <param name="ColumnName">The column it becomes.</param>
/// <param name="ScoredIndex">Its index in the model's output schema.</param>
/// <param name="Type">Its type.</param>
public sealed record MlNetOutput(string ModelColumn, string ColumnName, int ScoredIndex, DataViewType Type);
