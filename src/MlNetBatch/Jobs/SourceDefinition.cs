using MlNetBatch.Data;

namespace MlNetBatch.Jobs;

/// <summary>A job's input: a path, directory or glob, plus how to read it.</summary>
public sealed class SourceDefinition : DataSourceOptions
{
    /// <summary>A local path, directory or glob (relative paths are resolved against the worker's content root).</summary>
    public string Path { get; set; } = string.Empty;
}
