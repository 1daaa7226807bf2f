using Microsoft.ML;

namespace MlNetBatch.Scoring.Functions;

/// <summary>The <c>mlContext.Transforms.ScoreBatchModel(...)</c> entry point.</summary>
public static class BatchModelCatalogExtensions
{
    /// <summary>
    /// Scores rows with <paramref name="model"/>: each declared input reads the column of its name, each declared output
    /// becomes a column of its name. <paramref name="options"/> sets rows per call and calls at once (the defaults of
    /// <see cref="BatchModelOptions"/> when null).
    /// </summary>
    public static BatchModelTransformer ScoreBatchModel(this TransformsCatalog catalog, IBatchModel model, BatchModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        options ??= new BatchModelOptions();
        var name = model.GetType().Name;
        var problems = new BatchModelOptionsValidator().Validate(name, options);
        if (problems.Failed)
        {
            throw new ArgumentException(problems.FailureMessage, nameof(options));
        }

        return new BatchModelTransformer(new RegisteredBatchModel(name, model, options));
    }
}
