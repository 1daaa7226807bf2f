namespace MlNetBatch.Storage;

/// <summary>Real paths of local files: every symbolic link on the way resolved, as <c>realpath</c> does.</summary>
public static class LocalPaths
{
    private static readonly char[] Separators = Path.DirectorySeparatorChar == '\\' ? ['/', '\\'] : ['/'];

    /// <summary>
    /// The absolute path with each existing link component replaced by its final target; components that do not
    /// exist yet are kept as written. Two paths name the same place exactly when their real paths are equal.
    /// </summary>
    public static string RealPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var resolved = root;
        var hops = 0;
        var pending = new Queue<string>(full[root.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries));
        while (pending.TryDequeue(out var part))
        {
            var next = Path.Combine(resolved, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is { } target && hops++ < 64)
            {
                // A link's target may itself hold links: walk it again from the root, then carry on with the rest.
                // Counting the links followed stops a loop of links.
                var targetPath = Path.GetFullPath(target, resolved);
                pending = new Queue<string>(targetPath[root.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries).Concat(pending));
                resolved = root;
                continue;
            }

            resolved = next;
        }

        return ToKey(resolved);
    }

    /// <summary>
    /// A local path in the '/'-separated form object locations use. Only on Windows is '\\' a separator: on Linux
    /// and macOS it is an ordinary character of a file name and stays one.
    /// </summary>
    public static string ToKey(string path) => Path.DirectorySeparatorChar == '\\' ? path.Replace('\\', '/') : path;
}
