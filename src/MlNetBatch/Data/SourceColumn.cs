using Microsoft.ML.Data;

namespace MlNetBatch.Data;

/// <summary>A column a source produces: its name and ML.NET type.</summary>
/// <param name="Name">The column name, as in the file.</param>
/// <param name="Type">The ML.NET type served to the pipeline.</param>
public sealed record SourceColumn(string Name, DataViewType Type)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ColumnTypeNames.Format(Type)}";
}
