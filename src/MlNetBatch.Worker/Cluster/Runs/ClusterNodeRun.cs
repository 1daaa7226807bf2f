using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Engine;
using MlNetBatch.Storage;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// What one node needs to score partitions of one cluster run: the job planned and its model loaded on this node,
/// checked to score with the very settings, fitted state, model and plan that the run was planned with.
/// </summary>
internal sealed class ClusterNodeRun : IDisposable
{
    private readonly Dictionary<string, Partition> _partitions;

    public ClusterNodeRun(ClusterRunRow run, JobDefinition job, PreparedJob prepared, IObjectStore store, PartitionOutputs outputs)
    {
        Run = run;
        Job = job;
        Prepared = prepared;
        Store = store;
        Outputs = outputs;
        _partitions = prepared.Partitions.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Slots = new ProcessorSlots(job.Execution.Parallelism, prepared.Model.Device, () => 0, CancellationToken.None);
    }

    public ClusterRunRow Run { get; }

    public JobDefinition Job { get; }

    public PreparedJob Prepared { get; }

    public IObjectStore Store { get; }

    public PartitionOutputs Outputs { get; }

    /// <summary>This node's turns on its processors for the run's partitions.</summary>
    public ProcessorSlots Slots { get; }

    /// <summary>The partition <paramref name="id"/> of the plan.</summary>
    public Partition Partition(string id) => _partitions[id];

    /// <summary>
    /// Why this node cannot score the run as planned (another definition of the job, changed input, another model),
    /// or null when it can: every node must write what the planner would have.
    /// </summary>
    public static string? Mismatch(ClusterRunRow run, JobDefinition job, PreparedJob prepared, PartitionOutputs outputs)
    {
        if (Fingerprint(job, prepared) != run.Fingerprint)
        {
            return "this node's definition of the job, its fitted preprocessing or its model differ from the planner's";
        }

        return OutputSession.PlanHash(prepared.Partitions.Select(p => (p, outputs.DataFile(p)))) != run.PlanHash
            ? "this node lists other input partitions than the planner did (the input changed meanwhile)"
            : null;
    }

    /// <summary>What a run scores with, as its row records it: the settings hash (fitted state included) and the model hash.</summary>
    public static string Fingerprint(JobDefinition job, PreparedJob prepared)
    {
        var (settings, model) = OutputSession.Fingerprint(job, prepared);
        return $"{settings}/{model}";
    }

    public void Dispose() => Prepared.Model.Dispose();
}
