namespace MlNetBatch.Worker.History;

/// <summary>Where the worker keeps its state, as <see cref="RunHistoryOptions.Directory"/> documents.</summary>
public static class StateDirectory
{
    /// <summary>The folder used under the content root when neither the configuration nor systemd names one.</summary>
    public const string DefaultFolder = ".mlnetbatch";

    /// <summary>The state directory, absolute.</summary>
    /// <param name="configured">The configured directory, if any.</param>
    /// <param name="contentRoot">The directory relative paths are resolved against.</param>
    public static string Resolve(string? configured, string contentRoot)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured, contentRoot);
        }

        // systemd sets STATE_DIRECTORY (a colon-separated list) for a unit with StateDirectory=; the first is ours.
        var systemd = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        return string.IsNullOrEmpty(systemd)
            ? Path.Combine(contentRoot, DefaultFolder)
            : systemd.Split(':', StringSplitOptions.RemoveEmptyEntries)[0];
    }
}
