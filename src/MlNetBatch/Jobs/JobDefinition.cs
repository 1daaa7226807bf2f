using MlNetBatch.Jobs.Models;

namespace MlNetBatch.Jobs;

/// <summary>One batch-inference job: read a source, preprocess, score with a model, write a sink, on a schedule.</summary>
public sealed class JobDefinition
{
    /// <summary>What to read.</summary>
    public SourceDefinition Source { get; set; } = new();

    /// <summary>ML.NET transforms applied before scoring, in order.</summary>
    public List<PreprocessStep> Preprocess { get; set; } = [];

    /// <summary>The model and how to run it: an ONNX model unless <see cref="ModelDefinition.Kind"/> says otherwise.</summary>
    public ModelDefinition Model { get; set; } = new();

    /// <summary>Where the results go.</summary>
    public SinkDefinition Sink { get; set; } = new();

    /// <summary>A Quartz cron expression (seconds first); absent means the job runs only on demand.</summary>
    public string? Schedule { get; set; }

    /// <summary>Parallelism and scheduling behaviour.</summary>
    public ExecutionOptions Execution { get; set; } = new();
}
