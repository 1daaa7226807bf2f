using MlNetBatch.Data;

namespace MlNetBatch.Jobs;

/// <summary>A job's input: a path, directory or glob, plus how to read it.</summary>
public sealed class SourceDefinition : DataSourceOptions
{
    /// <summary>
    /// A path, directory or glob, local or a URI (<c>s3://</c>, <c>az://</c>, <c>gs://</c>, <c>https://</c>); relative
    /// local paths are resolved against the worker's working directory.
    /// </summary>
    public string Path { get; set; } = string.Empty;
}
