using Microsoft.Extensions.Logging;
using Microsoft.ML;

namespace MlNetBatch.Scoring;

/// <summary>The <c>mlContext.Transforms.ScoreOnnx(...)</c> entry point.</summary>
public static class OnnxTransformsCatalogExtensions
{
    /// <summary>
    /// Scores an ONNX model in batches. Each model input reads the column of the same name (vectors of the
    /// size its shape implies); each model output becomes a column of the same name.
    /// Only apply models from sources you trust.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="modelPath">The <c>.onnx</c> file.</param>
    /// <param name="batchSize">Rows per ONNX Runtime call.</param>
    public static ScoreOnnxEstimator ScoreOnnx(this TransformsCatalog catalog, string modelPath, int batchSize = ScoreOnnxDefaults.BatchSize) =>
        catalog.ScoreOnnx(new ScoreOnnxOptions { ModelPath = modelPath, BatchSize = batchSize });

    /// <summary>Scores an ONNX model in batches, as <paramref name="options"/> say (column mapping, device, batch size…).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Where the model is and how to run it.</param>
    /// <param name="logger">Receives device fallback notes; optional.</param>
    public static ScoreOnnxEstimator ScoreOnnx(this TransformsCatalog catalog, ScoreOnnxOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new ScoreOnnxEstimator(options, logger);
    }
}
