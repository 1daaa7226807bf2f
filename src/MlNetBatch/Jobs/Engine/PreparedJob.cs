using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>A job ready to run: its source and partitions, fitted preprocessing, model (of any kind), sink columns and output directory.</summary>
internal sealed record PreparedJob(
    PartitionedDataSource Source,
    IReadOnlyList<Partition> Partitions,
    ITransformer Preprocess,
    IJobModel Model,
    IReadOnlyList<SinkColumn> OutputColumns,
    ObjectLocation OutputDirectory)
{
    /// <summary>The path each preprocessing step takes, for <c>plan</c>.</summary>
    public IReadOnlyList<Pipeline.PreprocessStepPlan> PreprocessPaths { get; init; } = [];

    /// <summary>What fitting the preprocessing learned, to store with a cluster run (<see cref="Pipeline.FittedPreprocessing"/>).</summary>
    public Pipeline.FittedPreprocessing Fitted { get; init; } = new();

    /// <summary>What the preprocessing learned at plan time, step by step, for the settings hash.</summary>
    public IReadOnlyList<string> FittedStates => [.. PreprocessPaths.Select(p => p.FittedState).OfType<string>()];
}
