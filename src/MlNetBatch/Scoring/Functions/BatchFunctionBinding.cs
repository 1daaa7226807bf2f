using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring.Functions;

/// <summary>
/// A registered batch model bound to an input schema: which column feeds each model input (checked against its
/// declared type), the outputs kept and their column names, and the scored schema (input columns, then outputs).
/// </summary>
internal sealed class BatchFunctionBinding
{
    /// <summary>The column whose value names a bad row's file in the quarantine, where the input has one (image sources do).</summary>
    public const string PathColumn = "path";

    private BatchFunctionBinding(RegisteredBatchModel model, int batchSize, DataViewSchema schema, Dictionary<string, int> inputs, Dictionary<string, int> outputs, int? path)
    {
        Model = model;
        BatchSize = batchSize;
        Schema = schema;
        Inputs = inputs;
        Outputs = outputs;
        PathIndex = path;
    }

    public RegisteredBatchModel Model { get; }

    public int BatchSize { get; }

    public DataViewSchema Schema { get; }

    /// <summary>Model input name to its column's index in <see cref="Schema"/> (the same index as in the input).</summary>
    public Dictionary<string, int> Inputs { get; }

    /// <summary>Model output name to its column's index in <see cref="Schema"/>.</summary>
    public Dictionary<string, int> Outputs { get; }

    /// <summary>The types of the outputs the job does not keep, whose buffers follow the schema's columns.</summary>
    public IReadOnlyList<DataViewType> DroppedOutputTypes { get; private init; } = [];

    /// <summary>
    /// A block for one call: buffers for the input columns marked in <paramref name="inputs"/> (indexed as in the
    /// input schema) and for every output, sized for <paramref name="rows"/> rows.
    /// </summary>
    public Data.RecordBatch CreateBlock(bool[] inputs, int rows)
    {
        var columns = new Data.Columns.ColumnBuffer?[Schema.Count + DroppedOutputTypes.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            if (inputs[i])
            {
                columns[i] = Data.Columns.ColumnBuffer.Create(Schema[i].Type, rows);
            }
        }

        foreach (var index in Outputs.Values)
        {
            columns[index] = Data.Columns.ColumnBuffer.Create(index < Schema.Count ? Schema[index].Type : DroppedOutputTypes[index - Schema.Count], rows);
        }

        var block = new Data.RecordBatch(columns);
        block.Reset(rows);
        return block;
    }

    /// <summary>The index of a text <see cref="PathColumn"/> in the input, if there is one.</summary>
    public int? PathIndex { get; }

    /// <summary>
    /// Binds <paramref name="model"/> to <paramref name="input"/>. <paramref name="inputColumns"/> and
    /// <paramref name="outputColumns"/> rename as in an ONNX job; <paramref name="batchSize"/> above 0 overrides the registration's.
    /// </summary>
    public static BatchFunctionBinding Bind(
        RegisteredBatchModel model, DataViewSchema input, IReadOnlyDictionary<string, string> inputColumns, IReadOnlyDictionary<string, string> outputColumns, int batchSize)
    {
        var signature = model.Model.Signature;
        var inputs = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var declared in signature.Inputs)
        {
            var columnName = inputColumns.TryGetValue(declared.Name, out var mapped) ? mapped : declared.Name;
            if (input.GetColumnOrNull(columnName) is not { } column)
            {
                throw new ModelException($"Batch model '{model.Name}' needs input column '{columnName}' ({ColumnTypeNames.Format(declared.Type)}), which the data does not have (it has {string.Join(", ", input.Where(c => !c.IsHidden).Select(c => c.Name))}).");
            }

            if (!Accepts(declared.Type, column.Type))
            {
                throw new ModelException($"Batch model '{model.Name}' needs input column '{columnName}' as {ColumnTypeNames.Format(declared.Type)}, but the data's '{columnName}' is {ColumnTypeNames.Format(column.Type)}.");
            }

            inputs[declared.Name] = column.Index;
        }

        foreach (var listed in outputColumns.Keys.Where(k => signature.Outputs.All(o => o.Name != k)))
        {
            throw new ModelException($"Batch model '{model.Name}' has no output '{listed}' (Model:OutputColumns); its outputs: {string.Join(", ", signature.Outputs.Select(o => o.Name))}.");
        }

        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        var outputs = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = input.Count;
        foreach (var declared in signature.Outputs)
        {
            if (outputColumns.Count > 0 && !outputColumns.ContainsKey(declared.Name))
            {
                continue;
            }

            builder.AddColumn(outputColumns.TryGetValue(declared.Name, out var renamed) ? renamed : declared.Name, declared.Type);
            outputs[declared.Name] = next++;
        }

        // Outputs the job does not keep are still written by the model: they get buffers past the schema's columns.
        var schema = builder.ToSchema();
        var dropped = new List<DataViewType>();
        foreach (var declared in signature.Outputs.Where(o => !outputs.ContainsKey(o.Name)))
        {
            outputs[declared.Name] = schema.Count + dropped.Count;
            dropped.Add(declared.Type);
        }

        var path = input.GetColumnOrNull(PathColumn) is { Type: TextDataViewType } pathColumn ? pathColumn.Index : (int?)null;
        return new BatchFunctionBinding(model, batchSize > 0 ? batchSize : model.Options.BatchSize, schema, inputs, outputs, path) { DroppedOutputTypes = dropped };
    }

    /// <summary>A declared vector of unknown size takes vectors of its item type of any size; everything else must match exactly.</summary>
    private static bool Accepts(DataViewType declared, DataViewType actual) =>
        declared.Equals(actual)
        || (declared is VectorDataViewType { IsKnownSize: false } wanted && actual is VectorDataViewType given && wanted.ItemType.Equals(given.ItemType));
}
