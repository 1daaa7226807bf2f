using MlNetBatch.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>What a job would do, checked end to end without scoring: the dry run behind <c>plan</c>.</summary>
/// <param name="Job">The job's name.</param>
/// <param name="Files">The input files.</param>
/// <param name="Partitions">The partitions the files are cut into.</param>
/// <param name="SourceColumns">The input schema (explicit or inferred).</param>
/// <param name="ModelInputs">An ONNX model's input tensors and the columns that feed them; empty for other kinds (see <see cref="ModelInputColumns"/>).</param>
/// <param name="ModelOutputs">An ONNX model's output tensors and the columns they become; empty for other kinds.</param>
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

    /// <summary>The kind of model.</summary>
    public Models.ModelKind ModelKind { get; init; }

    /// <summary>The model's file or registered name.</summary>
    public string ModelName { get; init; } = string.Empty;

    /// <summary>The model's inputs and the columns that feed them, for every kind.</summary>
    public IReadOnlyList<ModelColumn> ModelInputColumns { get; init; } = [];

    /// <summary>The model's outputs and the columns they become, for every kind.</summary>
    public IReadOnlyList<ModelColumn> ModelOutputColumns { get; init; } = [];

    /// <summary>For a batch model, its rows per call and calls at once; otherwise null.</summary>
    public string? ModelCalls { get; init; }
}
