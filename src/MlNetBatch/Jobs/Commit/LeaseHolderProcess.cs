using System.ComponentModel;
using System.Diagnostics;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The process that holds a lease: its host name, pid and start time. On the same host this tells a crashed holder
/// from a live one at once, without waiting for its lease to expire; the start time tells a reused pid from the holder.
/// </summary>
internal sealed record LeaseHolderProcess(string Host, int Pid, DateTimeOffset StartedAt)
{
    // Process start times are computed from the boot time, which .NET recomputes at each call: allow for that jitter.
    // A pid reused within one second of the holder's start is not a case that needs telling apart.
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(1);

    /// <summary>This process.</summary>
    public static LeaseHolderProcess Current { get; } = Create();

    /// <summary>
    /// Why this holder is certainly gone (its pid does not exist on this host, or belongs to a process started at
    /// another time), or null when it may still run: it is alive, on another host, or cannot be inspected.
    /// </summary>
    public string? GoneReason()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(Pid);
            var started = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
            return (started - StartedAt).Duration() > StartTimeTolerance
                ? $"pid {Pid} now belongs to another process, started {started:u}"
                : null;
        }
        catch (ArgumentException)
        {
            return $"pid {Pid} is no longer running";
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Exited while we looked, or not ours to inspect: keep the expiry rule rather than guess.
            return null;
        }
    }

    private static LeaseHolderProcess Create()
    {
        using var self = Process.GetCurrentProcess();
        return new LeaseHolderProcess(Environment.MachineName, Environment.ProcessId, new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }
}
