using MlNetBatch.Jobs;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// How long a stop may take, computed in one place for the host and the service units: the longest
/// <c>Execution:ShutdownGracePeriod</c> of the jobs, plus a margin for the host to stop, plus a larger one for the service
/// manager, so that the host finishes (and commits) before systemd kills it.
/// </summary>
internal static class ShutdownTimes
{
    /// <summary>Time beyond the longest grace period for the host's own services to stop.</summary>
    public static readonly TimeSpan HostMargin = TimeSpan.FromSeconds(15);

    /// <summary>Time beyond the longest grace period the service manager waits: the host's margin and the logs' flush.</summary>
    public static readonly TimeSpan UnitMargin = TimeSpan.FromSeconds(30);

    /// <summary>The longest grace period of <paramref name="jobs"/>, at least the default one.</summary>
    public static TimeSpan LongestGracePeriod(IEnumerable<JobDefinition> jobs) =>
        jobs.Select(j => j.Execution.ShutdownGracePeriod).Append(new ExecutionOptions().ShutdownGracePeriod).Max();

    /// <summary>The generic host's <c>ShutdownTimeout</c>.</summary>
    public static TimeSpan HostShutdownTimeout(TimeSpan longestGracePeriod) => longestGracePeriod + HostMargin;

    /// <summary>Whole seconds the service manager waits after SIGTERM (<c>TimeoutStopSec=</c>) before it kills the worker.</summary>
    public static int UnitTimeoutSeconds(TimeSpan longestGracePeriod) => (int)Math.Ceiling((longestGracePeriod + UnitMargin).TotalSeconds);
}
