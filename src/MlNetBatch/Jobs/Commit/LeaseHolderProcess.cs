using System.ComponentModel;
using System.Diagnostics;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The process that holds a lease: its host name, the pid namespace it was numbered in, its pid and start time. In
/// the same namespace this tells a crashed holder from a live one at once, without waiting for its lease to expire;
/// the start time tells a reused pid from the holder.
/// </summary>
/// <param name="Host">The host name.</param>
/// <param name="Namespace">
/// On Linux the boot id and pid namespace (<c>/proc/sys/kernel/random/boot_id</c>, <c>/proc/self/ns/pid</c>):
/// containers that share a host name (host networking, cloned machines) do not share pids, and a pid seen from another
/// namespace says nothing about the holder. Null where there are none; a holder recorded without one, on a machine
/// that has one, keeps the expiry rule.
/// </param>
/// <param name="Pid">The process id, in <paramref name="Namespace"/>.</param>
/// <param name="StartedAt">When the process started.</param>
/// <param name="StartTicks">
/// On Linux the kernel's start time of the process in clock ticks since boot (<c>/proc/pid/stat</c>): unlike
/// <paramref name="StartedAt"/>, which is derived from the wall clock, it does not move when the clock is stepped.
/// </param>
internal sealed record LeaseHolderProcess(string Host, string? Namespace, int Pid, DateTimeOffset StartedAt, long? StartTicks = null)
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
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            || Namespace != Current.Namespace
            || (OperatingSystem.IsLinux() && Namespace is null))
        {
            return null;
        }

        if (StartTicks is { } ticks && Current.StartTicks is not null)
        {
            // Same boot (the namespace includes the boot id): the kernel's own start time tells the holder apart.
            var now = KernelStartTicks(Pid);
            return now is null ? $"pid {Pid} is no longer running"
                : now != ticks ? $"pid {Pid} now belongs to another process"
                : null;
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
        return new LeaseHolderProcess(
            Environment.MachineName, PidNamespace(), Environment.ProcessId, new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero), KernelStartTicks(Environment.ProcessId));
    }

    /// <summary>Field 22 of <c>/proc/pid/stat</c>, the start time in clock ticks since boot; null when there is no such process (or no /proc).</summary>
    private static long? KernelStartTicks(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.TryParse(fields[19], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string? PidNamespace()
    {
        try
        {
            return OperatingSystem.IsLinux()
                ? $"{File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim()}/{new FileInfo("/proc/self/ns/pid").LinkTarget}"
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without it no holder is ever taken for dead early: the expiry rule still applies.
            return null;
        }
    }
}
