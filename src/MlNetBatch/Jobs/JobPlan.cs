using MlNetBatch.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>What a job would do, checked end to end without scoring: the dry run behind <c>plan</c>.</summary>
/// <param name="Job">The job's name.</param>
/// <param name="Files">The input files.</param>
/// <param name="Partitions">The partitions the files are cut into.</param>
/// <param name="SourceColumns">The input schema (explicit or inferred).</param>
/// <param name="ModelInputs">Model inputs and the columns that feed them.</param>
/// <param name="ModelOutputs">Model outputs and the columns they become.</param>
/// <param name="Device">Where the model would run.</param>
/// <param name="OutputColumns">The columns written to the sink.</param>
public sealed record JobPlan(
    string Job,
    IReadOnlyList<ObjectInfo> Files,
    IReadOnlyList<Partition> Partitions,
    IReadOnlyList<SourceColumn> SourceColumns,
    IReadOnlyList<OnnxTensorSpec> ModelInputs,
    IReadOnlyList<OnnxTensorSpec> ModelOutputs,
    OnnxDevice Device,
    IReadOnlyList<string> OutputColumns)
{
    /// <summary>Input files left out for their <c>_</c> or <c>.</c> names (see <see cref="PartitionedDataSource.HiddenFiles"/>).</summary>
    public IReadOnlyList<ObjectInfo> HiddenFiles { get; init; } = [];

    /// <summary>Each preprocessing step and the path it takes: a block stage (run, or folded into a model input) or the row path.</summary>
    public IReadOnlyList<Pipeline.PreprocessStepPlan> Preprocess { get; init; } = [];
}
