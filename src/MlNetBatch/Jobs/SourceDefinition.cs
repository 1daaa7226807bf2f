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

    /// <summary>Several paths, globs or URLs read as one source, in order; used instead of <see cref="Path"/> when set.</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>The paths this source reads: <see cref="Paths"/>, or else <see cref="Path"/>.</summary>
    public IReadOnlyList<string> AllPaths() => Paths.Count > 0 ? Paths : [Path];
}
