using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>
/// Checks that a job's sink directory is a place of its own: not a file, not holding the job's input, and not
/// where the job's source would find the job's own output on its next run. Local paths are compared as real paths,
/// so a symbolic link to the input directory is recognised as that directory.
/// </summary>
internal static class SinkPlacement
{
    /// <summary>Throws <see cref="MlNetBatchException"/> naming the sink and the conflicting input or source path.</summary>
    /// <param name="sink">The sink directory.</param>
    /// <param name="sourcePaths">The source's paths, directories and globs, resolved.</param>
    /// <param name="inputs">The files the source lists now.</param>
    public static void Check(ObjectLocation sink, IReadOnlyList<string> sourcePaths, IReadOnlyList<ObjectInfo> inputs)
    {
        if (sink.IsLocal && File.Exists(sink.LocalPath))
        {
            throw new MlNetBatchException($"the sink path {sink} is a file; the sink must be a directory (it holds one file per partition).");
        }

        var sinkDirectory = Real(sink).TrimEnd('/') + "/";
        foreach (var input in inputs)
        {
            if (SameStore(input.Location, sink) && Real(input.Location).StartsWith(sinkDirectory, StringComparison.Ordinal))
            {
                throw new MlNetBatchException(
                    $"the sink directory {sink} contains the input file {input.Location}; write the output to a directory of its own.");
            }
        }

        foreach (var path in sourcePaths)
        {
            var source = ObjectLocation.Parse(path);
            if (SameStore(source, sink) && ReachesDirectory(source, sinkDirectory))
            {
                throw new MlNetBatchException(
                    $"the sink directory {sink} lies where the source '{path}' would read the job's own output on its next run; write the output outside the source's directories.");
            }
        }
    }

    /// <summary>
    /// Whether listing <paramref name="source"/> (a file, a directory or a glob) could return a file directly in
    /// <paramref name="realDirectory"/>, whatever its name: the file-name part of a glob is not trusted to keep the
    /// job's future output out (<c>data/**/a*.csv</c> would read <c>data/scores/a-….csv</c>).
    /// </summary>
    private static bool ReachesDirectory(ObjectLocation source, string realDirectory)
    {
        if (!GlobPattern.HasWildcards(source.Key))
        {
            var directory = Real(source).TrimEnd('/') + "/";
            return realDirectory.StartsWith(directory, StringComparison.Ordinal);
        }

        // The pattern with its literal directory resolved as the sink was, so links lead to the same place, and its
        // last segment widened to any name (a last segment with ** already matches anything below).
        var glob = GlobPattern.Parse(source.Key);
        var realPrefix = glob.LiteralPrefix.Length == 0 ? string.Empty : Real(source.WithKey(glob.LiteralPrefix)).TrimEnd('/') + "/";
        var pattern = realPrefix + source.Key[glob.LiteralPrefix.Length..];
        var lastSlash = pattern.LastIndexOf('/');
        var anyName = pattern[(lastSlash + 1)..].Contains("**", StringComparison.Ordinal) ? pattern : pattern[..(lastSlash + 1)] + "*";
        return GlobPattern.Parse(anyName).IsMatch(realDirectory + "x");
    }

    private static bool SameStore(ObjectLocation a, ObjectLocation b) =>
        a.Scheme == b.Scheme && a.Container == b.Container;

    private static string Real(ObjectLocation location) => location.IsLocal ? LocalPaths.RealPath(location.LocalPath) : location.Key;
}
