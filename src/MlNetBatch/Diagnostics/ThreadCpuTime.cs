using System.Runtime.InteropServices;

namespace MlNetBatch.Diagnostics;

/// <summary>
/// The processor time the calling thread has used, in nanoseconds. .NET offers only the process's
/// (<see cref="Environment.CpuUsage"/>) or a slow lookup through <see cref="System.Diagnostics.Process.Threads"/>;
/// the stage statistics read it a few times per block, so this asks the OS directly: <c>clock_gettime</c> with the
/// thread CPU clock on Linux and macOS, <c>GetThreadTimes</c> on Windows.
/// </summary>
internal static class ThreadCpuTime
{
    private const int LinuxThreadCpuClock = 3;
    private const int MacThreadCpuClock = 16;

    private static readonly int Clock = OperatingSystem.IsMacOS() ? MacThreadCpuClock : LinuxThreadCpuClock;

    /// <summary>Whether the platform reports thread CPU time; where it does not, <see cref="Now"/> is always 0.</summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>Nanoseconds of processor time the calling thread has used; 0 where <see cref="IsSupported"/> is false.</summary>
    public static long Now()
    {
        if (!IsSupported)
        {
            return 0;
        }

        if (OperatingSystem.IsWindows())
        {
            return GetThreadTimes(GetCurrentThread(), out _, out _, out var kernel, out var user) ? (kernel + user) * 100 : 0;
        }

        return clock_gettime(Clock, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : 0;
    }

    private static bool Probe()
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                return GetThreadTimes(GetCurrentThread(), out _, out _, out _, out _);
            }

            return (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Environment.Is64BitProcess && clock_gettime(Clock, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for the out struct; this project allows none.
    [DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    [DllImport("kernel32")]
    private static extern IntPtr GetCurrentThread();

    [DllImport("kernel32")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetThreadTimes(IntPtr thread, out long creation, out long exit, out long kernel, out long user);
#pragma warning restore SYSLIB1054
}
