using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Saves a batched ONNX scorer as ML.NET's own ONNX transform, with the stock column steps that feed it the
/// columns it needs. ML.NET keeps its model-loading API internal, so this is how a saved pipeline stays loadable by
/// stock ML.NET; <see cref="OnnxModelCatalogExtensions.LoadBatched"/> swaps the batched scorer back in.
/// </summary>
internal static class StockOnnxExport
{
    public static void Save(OnnxScoringModel model, DataViewSchema inputSchema, ModelSaveContext ctx)
    {
        var context = new MLContext();
        var modelFile = Path.Combine(Path.GetTempPath(), $"mlnetbatch-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(modelFile, model.Bytes);
        try
        {
            using var stock = (IDisposable)Pipeline(context, model, inputSchema, modelFile).Fit(new EmptyDataView(inputSchema));
            ((ICanSaveModel)stock).Save(ctx);
        }
        finally
        {
            File.Delete(modelFile);
        }
    }

    private static IEstimator<ITransformer> Pipeline(MLContext context, OnnxScoringModel model, DataViewSchema inputSchema, string modelFile)
    {
        // Stock ML.NET reads each model input from the column of the input's name, so feeding it can overwrite a
        // column of the caller's; such columns are set aside first and put back after the model, as ScoreOnnx leaves
        // them. Feeds read the set-aside copies, so inputs that swap columns each get the original values.
        var setAside = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in model.Inputs)
        {
            if (!IsReadAsIs(input, inputSchema) && inputSchema.GetColumnOrNull(input.Name) is not null)
            {
                setAside[input.Name] = FreeName(input.Name, inputSchema);
            }
        }

        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        foreach (var (column, copy) in setAside)
        {
            pipeline = pipeline.Append(context.Transforms.CopyColumns(copy, column));
        }

        foreach (var input in model.Inputs.Where(i => !IsReadAsIs(i, inputSchema)))
        {
            pipeline = pipeline.Append(Feed(context, input, inputSchema, setAside));
        }

        pipeline = pipeline.Append(context.Transforms.ApplyOnnxModel(
            outputColumnNames: model.Outputs.Select(o => o.Name).ToArray(),
            inputColumnNames: model.Inputs.Select(i => i.Name).ToArray(),
            modelFile: modelFile));
        foreach (var (column, copy) in setAside)
        {
            pipeline = pipeline.Append(context.Transforms.CopyColumns(column, copy));
        }

        if (setAside.Count > 0)
        {
            pipeline = pipeline.Append(context.Transforms.DropColumns(setAside.Values.ToArray()));
        }

        // After the columns are put back, so a renamed output replaces a column of its name, as in ScoreOnnx.
        foreach (var output in model.Outputs.Where(o => o.ColumnName != o.Name))
        {
            pipeline = pipeline.Append(context.Transforms.CopyColumns(output.ColumnName, output.Name));
        }

        return pipeline;
    }

    /// <summary>Whether stock ML.NET can read <paramref name="input"/> straight from the data: one vector column of the input's name.</summary>
    private static bool IsReadAsIs(OnnxTensorSpec input, DataViewSchema schema) =>
        input.ConcatenatedColumns is null && input.ColumnName == input.Name && schema[input.ColumnName].Type is VectorDataViewType;

    /// <summary>The step that writes the column, named after <paramref name="input"/>, that stock ML.NET feeds to it.</summary>
    private static IEstimator<ITransformer> Feed(MLContext context, OnnxTensorSpec input, DataViewSchema schema, Dictionary<string, string> setAside)
    {
        // Feeds run after the set-aside copies are made and may overwrite the originals, so they read the copies.
        string Source(string column) => setAside.GetValueOrDefault(column, column);

        if (input.ConcatenatedColumns is { } columns)
        {
            return context.Transforms.Concatenate(input.Name, columns.Select(Source).ToArray());
        }

        // Stock ML.NET feeds a scalar column as a [1,1] tensor whatever the model's shape, so a [batch] input fails
        // with "Invalid rank ... Got: 2 Expected: 1"; a vector it feeds in the model's own shape. A shape dictionary
        // does not help (it only shapes vectors), so the scalar becomes a one-item vector: Concatenate of one column.
        return schema[input.ColumnName].Type is VectorDataViewType
            ? context.Transforms.CopyColumns(input.Name, Source(input.ColumnName))
            : context.Transforms.Concatenate(input.Name, Source(input.ColumnName));
    }

    // A column name the data does not use, to hold a column while the model's input overwrites it.
    private static string FreeName(string column, DataViewSchema schema)
    {
        var name = $"{column}.MlNetBatchOriginal";
        while (schema.GetColumnOrNull(name) is not null)
        {
            name += "_";
        }

        return name;
    }
}
