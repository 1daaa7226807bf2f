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
        // Stock ML.NET reads each model input from the column of the input's name and writes each output under the
        // output's name. Those working columns must not change the caller's columns nor outlive the model, so the
        // saved chain ends with the columns ScoreOnnx gives: the input columns as they were, plus the outputs under
        // their column names. A working name the data already uses is set aside first and put back after the model;
        // feeds read the set-aside copies, so inputs that swap columns each get the original values.
        var outputColumns = model.Outputs.Select(o => o.ColumnName).ToHashSet(StringComparer.Ordinal);
        var renamed = model.Outputs.Where(o => o.ColumnName != o.Name).ToList();
        var working = model.Inputs.Where(i => !IsReadAsIs(i, inputSchema)).Select(i => i.Name)
            .Concat(renamed.Select(o => o.Name))
            .ToHashSet(StringComparer.Ordinal);
        var setAside = working.Where(name => inputSchema.GetColumnOrNull(name) is not null)
            .ToDictionary(name => name, name => FreeName(name, inputSchema), StringComparer.Ordinal);

        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        pipeline = Copy(context, pipeline, setAside.Select(p => new InputOutputColumnPair(p.Value, p.Key)));
        foreach (var input in model.Inputs.Where(i => !IsReadAsIs(i, inputSchema)))
        {
            pipeline = pipeline.Append(Feed(context, input, inputSchema, setAside));
        }

        pipeline = pipeline.Append(context.Transforms.ApplyOnnxModel(
            outputColumnNames: model.Outputs.Select(o => o.Name).ToArray(),
            inputColumnNames: model.Inputs.Select(i => i.Name).ToArray(),
            modelFile: modelFile));

        pipeline = Copy(context, pipeline, renamed.Select(o => new InputOutputColumnPair(o.ColumnName, o.Name)));
        // A column an output is renamed onto stays replaced by the output, as in ScoreOnnx.
        pipeline = Copy(context, pipeline, setAside.Where(p => !outputColumns.Contains(p.Key)).Select(p => new InputOutputColumnPair(p.Key, p.Value)));
        var leftovers = setAside.Values.Concat(working.Where(name => !setAside.ContainsKey(name) && !outputColumns.Contains(name))).ToArray();
        return leftovers.Length == 0 ? pipeline : pipeline.Append(context.Transforms.DropColumns(leftovers));
    }

    private static IEstimator<ITransformer> Copy(MLContext context, IEstimator<ITransformer> pipeline, IEnumerable<InputOutputColumnPair> pairs)
    {
        foreach (var pair in pairs)
        {
            pipeline = pipeline.Append(context.Transforms.CopyColumns(pair.OutputColumnName, pair.InputColumnName));
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
