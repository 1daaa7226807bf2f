namespace MlNetBatch.Scoring.Backends;

/// <summary>Runs another backend only while holding a place on its GPU's <see cref="GpuExecutor"/>.</summary>
internal sealed class ExecutorLimitedBackend(IScoringBackend inner, GpuExecutor executor) : IScoringBackend
{
    /// <inheritdoc />
    public void Run(ScoringBatch slot, int start, int count)
    {
        using var lease = executor.Enter();
        inner.Run(slot, start, count);
    }

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();
}
