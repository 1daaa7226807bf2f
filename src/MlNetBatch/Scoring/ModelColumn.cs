namespace MlNetBatch.Scoring;

/// <summary>One input or output of a model of any kind, as <c>plan</c> shows it.</summary>
/// <param name="Name">The model's name for it.</param>
/// <param name="Type">Its type: an ONNX shape and element type (<c>[batch,16] float</c>) or a column type (<c>byte[]</c>).</param>
/// <param name="Binding">The column(s) it reads or writes, e.g. <c>column 'features'</c>.</param>
public sealed record ModelColumn(string Name, string Type, string Binding)
{
    /// <summary>A model input or output bound to one column.</summary>
    internal static ModelColumn ForColumn(string name, Microsoft.ML.Data.DataViewType type, string column) =>
        new(name, Data.ColumnTypeNames.Format(type), $"column '{column}'");

    /// <summary>An ONNX tensor, written as <c>plan</c> always wrote it.</summary>
    internal static ModelColumn ForTensor(OnnxTensorSpec spec, bool input) =>
        new(spec.Name, $"{spec.Shape} {Data.ColumnTypeNames.Format(spec.ItemType)}", input ? spec.DescribeColumns() : $"column '{spec.ColumnName}'");
}
