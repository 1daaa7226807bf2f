namespace MlNetBatch.Worker.History;

/// <summary>
/// The worker's state directory, <c>MlNetBatch:StateDirectory</c>: where the run history (<c>history.db</c>) is kept.
/// The service and the <c>history</c>/<c>status</c> commands must see the same one.
/// </summary>
public sealed class StateDirectoryOptions
{
    /// <summary>The configuration key of <see cref="StateDirectory"/>.</summary>
    public const string Key = "MlNetBatch:StateDirectory";

    /// <summary>The folder used under the content root when neither the configuration nor systemd names one.</summary>
    public const string DefaultFolder = ".mlnetbatch";

    /// <summary>The state directory; a relative path is resolved against the content root (the working directory).</summary>
    /// <value>
    /// The default is systemd's <c>$STATE_DIRECTORY</c> when the unit sets <c>StateDirectory=</c>, and otherwise
    /// <c>.mlnetbatch</c> under the content root.
    /// </value>
    public string? StateDirectory { get; set; }

    /// <summary>The state directory, absolute.</summary>
    /// <param name="contentRoot">The directory relative paths are resolved against.</param>
    public string Resolve(string contentRoot)
    {
        if (!string.IsNullOrEmpty(StateDirectory))
        {
            return Path.GetFullPath(StateDirectory, contentRoot);
        }

        // systemd sets STATE_DIRECTORY (a colon-separated list) for a unit with StateDirectory=; the first is ours.
        var systemd = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        return string.IsNullOrEmpty(systemd)
            ? Path.Combine(contentRoot, DefaultFolder)
            : systemd.Split(':', StringSplitOptions.RemoveEmptyEntries)[0];
    }
}
