using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Saves a batched ONNX scorer as ML.NET's own ONNX transform (wrapped in column copies where columns are
/// renamed). ML.NET keeps its model-loading API internal, so this is how a saved pipeline stays loadable by
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
            IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
            foreach (var input in model.Inputs)
            {
                if (input.ConcatenatedColumns is { } columns)
                {
                    pipeline = pipeline.Append(context.Transforms.Concatenate(input.Name, columns.ToArray()));
                }
                else if (input.ColumnName != input.Name)
                {
                    pipeline = pipeline.Append(context.Transforms.CopyColumns(input.Name, input.ColumnName));
                }
            }

            pipeline = pipeline.Append(context.Transforms.ApplyOnnxModel(
                outputColumnNames: model.Outputs.Select(o => o.Name).ToArray(),
                inputColumnNames: model.Inputs.Select(i => i.Name).ToArray(),
                modelFile: modelFile));
            foreach (var output in model.Outputs.Where(o => o.ColumnName != o.Name))
            {
                pipeline = pipeline.Append(context.Transforms.CopyColumns(output.ColumnName, output.Name));
            }

            using var stock = (IDisposable)pipeline.Fit(new EmptyDataView(inputSchema));
            ((ICanSaveModel)stock).Save(ctx);
        }
        finally
        {
            File.Delete(modelFile);
        }
    }
}
