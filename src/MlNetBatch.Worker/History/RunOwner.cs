using System.Diagnostics;

namespace MlNetBatch.Worker.History;

/// <summary>
/// The process a run belongs to: host, pid and the process's start time, so that a run left <c>running</c> by a
/// process that was killed is recognised as interrupted, even when its pid has been reused since.
/// </summary>
internal readonly record struct RunOwner(string Host, int Pid, long StartTicks)
{
    /// <summary>This process.</summary>
    public static RunOwner Current { get; } = Of(Process.GetCurrentProcess());

    /// <summary>Whether the owner is known to have ended: same host, and no process with its pid and start time.</summary>
    public bool HasEnded()
    {
        if (!string.Equals(Host, Current.Host, StringComparison.OrdinalIgnoreCase))
        {
            // Another host's processes cannot be seen from here.
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(Pid);
            return process.HasExited || Of(process).StartTicks != StartTicks;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static RunOwner Of(Process process) =>
        new(Environment.MachineName, process.Id, process.StartTime.ToUniversalTime().Ticks);
}
