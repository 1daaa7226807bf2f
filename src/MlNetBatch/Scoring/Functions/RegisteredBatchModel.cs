namespace MlNetBatch.Scoring.Functions;

/// <summary>A registered batch model, created once, with its options and the limit on calls at once that all its users share.</summary>
internal sealed class RegisteredBatchModel(string name, IBatchModel model, BatchModelOptions options)
{
    private readonly SemaphoreSlim _calls = new(options.MaxConcurrency, options.MaxConcurrency);

    public string Name => name;

    public IBatchModel Model => model;

    public BatchModelOptions Options => options;

    /// <summary>Calls the model once the limit allows.</summary>
    public async Task CallAsync(ModelBatch batch, CancellationToken cancellationToken)
    {
        await _calls.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await model.ScoreAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _calls.Release();
        }
    }
}
