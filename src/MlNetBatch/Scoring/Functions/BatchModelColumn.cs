using Microsoft.ML.Data;

namespace MlNetBatch.Scoring.Functions;

/// <summary>
/// A column a batch model reads or writes. A vector of unknown size (<c>new VectorDataViewType(NumberDataViewType.Byte)</c>)
/// as an input accepts vectors of that item type of any size.
/// </summary>
/// <param name="Name">The model's name for it; a job maps it to another column with <c>InputColumns</c> / <c>OutputColumns</c>.</param>
/// <param name="Type">Its ML.NET type.</param>
public sealed record BatchModelColumn(string Name, DataViewType Type);
