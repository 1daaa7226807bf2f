namespace MlNetBatch.Jobs;

/// <summary>Resolves the relative paths in job definitions against one base directory (the worker's content root).</summary>
public sealed class JobPaths(string baseDirectory)
{
    /// <summary>The directory relative paths are resolved against.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    /// <summary>The path made absolute; URIs such as <c>s3://…</c> are returned unchanged.</summary>
    public string Resolve(string path) =>
        path.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));
}
