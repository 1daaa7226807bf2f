namespace MlNetBatch.Storage;

/// <summary>
/// Recognises "no space left on the device" and says it in words a user can act on. It is not transient: a retry
/// writes to the same full disk.
/// </summary>
internal static class DiskFull
{
    private const int NoSpace = 28;                 // ENOSPC on Linux and macOS
    private const int LinuxQuotaExceeded = 122;     // EDQUOT on Linux
    private const int MacQuotaExceeded = 69;        // EDQUOT on macOS
    private const int WindowsDiskFull = 0x70;       // ERROR_DISK_FULL
    private const int WindowsHandleDiskFull = 0x27; // ERROR_HANDLE_DISK_FULL

    /// <summary>Whether <paramref name="exception"/> reports a full disk or an exceeded quota (codes differ by OS).</summary>
    public static bool Is(Exception exception)
    {
        if (exception is not IOException { HResult: var code } || exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        return OperatingSystem.IsWindows() ? (code & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull
            : OperatingSystem.IsMacOS() ? code is NoSpace or MacQuotaExceeded
            : code is NoSpace or LinuxQuotaExceeded;
    }

    /// <summary>The failure as a permanent <see cref="StorageException"/> naming the free space and what was written.</summary>
    public static StorageException Describe(ObjectLocation location, long bytesWritten, Exception cause)
    {
        var free = FreeBytes(location.LocalPath);
        var freeText = free is { } bytes ? $"{Size(bytes)} free there" : "free space unknown";
        return new StorageException(location,
            $"no space left on the device ({freeText}; {Size(bytesWritten)} of this file had been written, and more was needed). Free some space or write the output elsewhere.",
            cause);
    }

    private static long? FreeBytes(string path)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? path;
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";
}
