namespace MlNetBatch.Worker.Progress;

/// <summary>How the worker reports a running job's progress (the <c>MlNetBatch:Progress</c> section).</summary>
public sealed class ProgressOptions
{
    /// <summary>The configuration section, under <c>MlNetBatch</c>.</summary>
    public const string SectionName = "Progress";

    /// <summary>The default <see cref="Interval"/>.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a progress line is logged when the output is not a terminal (redirected, or the service under
    /// systemd). A terminal shows a live display instead.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan Interval { get; set; } = DefaultInterval;
}
