using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Pipeline;

/// <summary>A column a block transform adds: its name and ML.NET type.</summary>
/// <param name="Name">The column's name; an existing column of that name is hidden, as ML.NET transforms do.</param>
/// <param name="Type">The column's type.</param>
public readonly record struct BlockOutputColumn(string Name, DataViewType Type);
