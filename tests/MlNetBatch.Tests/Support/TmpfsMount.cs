using System.Diagnostics;

namespace MlNetBatch.Tests.Support;

/// <summary>
/// A small tmpfs mounted over a directory, to fill a disk for real. Needs root (as CI runs); tests that use it are
/// <see cref="TmpfsFactAttribute"/>s, skipped with the reason where mounting is not allowed.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    public static TmpfsMount Create(string path, int kilobytes)
    {
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", $"-t tmpfs -o size={kilobytes}k tmpfs \"{path}\"");
        if (code != 0)
        {
            throw new InvalidOperationException($"mount failed: {output}");
        }

        return new TmpfsMount(path);
    }

    public void Dispose() => Run("umount", $"-l \"{Path}\"");

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs is Linux only";
        }

        var probe = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnetbatch-tmpfs-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var mount = Create(probe, 64);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs here ({e.Message.Trim()}); run as root to test a full disk";
        }
        finally
        {
            try
            {
                Directory.Delete(probe);
            }
            catch (IOException)
            {
            }
        }
    }

    private static (int Code, string Output) Run(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>A fact that needs <see cref="TmpfsMount"/>; skipped, with the reason, where it is unavailable.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TmpfsMount.WhyUnavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact about Linux and macOS file names, where '\' is an ordinary character; skipped on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "a backslash separates folders on Windows";
        }
    }
}

/// <summary>A theory about Linux error numbers; skipped elsewhere.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux error numbers";
        }
    }
}
