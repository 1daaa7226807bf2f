using Microsoft.ML.Data;

namespace MlNetBatch.Data;

/// <summary>A column a source produces: its name and ML.NET type.</summary>
/// <param name="Name">The column name, as in the file.</param>
/// <param name="Type">The ML.NET type served to the pipeline.</param>
public sealed record SourceColumn(string Name, DataViewType Type)
{
    /// <summary>
    /// For an inferred numeric column, the first few sampled values that are not numbers: inference keeps a column
    /// numeric when at most 1% of its sampled values fail, and those rows will be bad records. Empty for an explicit schema.
    /// </summary>
    public IReadOnlyList<InferenceOutlier> Outliers { get; init; } = [];

    /// <summary>
    /// For a column inferred as float: a sampled value float cannot hold exactly and what it reads as
    /// (<c>123456789.01 reads as 1.2345679E+08</c>). Declare the column <c>double</c> in the schema to keep such values.
    /// </summary>
    public string? RoundedExample { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ColumnTypeNames.Format(Type)}";
}
