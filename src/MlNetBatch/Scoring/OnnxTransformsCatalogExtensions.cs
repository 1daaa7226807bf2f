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

    /// <summary>
    /// Scores an ONNX model in batches, as <c>ApplyOnnxModel(outputColumnNames, inputColumnNames, modelFile)</c> does
    /// one row at a time: each listed model input reads the column of its name, and only the listed model outputs
    /// become columns, of the types <c>ApplyOnnxModel</c> gives them. To read or write columns of other names, use
    /// <see cref="ScoreOnnxOptions.InputColumns"/> and <see cref="ScoreOnnxOptions.OutputColumns"/>.
    /// Only apply models from sources you trust.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnNames">The model outputs to produce, each as a column of its name.</param>
    /// <param name="inputColumnNames">The model inputs, each read from the column of its name.</param>
    /// <param name="modelFile">The <c>.onnx</c> file.</param>
    /// <param name="batchSize">Rows per ONNX Runtime call; 0 chooses from the size of a row.</param>
    public static ScoreOnnxEstimator ScoreOnnx(
        this TransformsCatalog catalog, string[] outputColumnNames, string[] inputColumnNames, string modelFile, int batchSize = ScoreOnnxDefaults.BatchSize)
    {
        ArgumentNullException.ThrowIfNull(outputColumnNames);
        ArgumentNullException.ThrowIfNull(inputColumnNames);
        var options = new ScoreOnnxOptions { ModelPath = modelFile, BatchSize = batchSize };
        foreach (var input in inputColumnNames)
        {
            options.InputColumns[input] = input;
        }

        foreach (var output in outputColumnNames)
        {
            options.OutputColumns[output] = output;
        }

        return catalog.ScoreOnnx(options);
    }

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
