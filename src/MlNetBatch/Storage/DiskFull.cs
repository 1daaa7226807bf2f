namespace MlNetBatch.Storage;

/// <summary>
/// Recognises "no space left on the device" and says it in words a user can act on. It is not transient: a retry
/// writes to the same full disk.
/// </summary>
internal static class DiskFull
{
    private const int LinuxNoSpace = 28;          // ENOSPC
    private const int MacNoSpace = 28;            // ENOSPC on macOS too
    private const int WindowsDiskFull = 0x70;     // ERROR_DISK_FULL
    private const int WindowsHandleDiskFull = 0x27; // ERROR_HANDLE_DISK_FULL

    /// <summary>Whether <paramref name="exception"/> reports a full disk (or quota).</summary>
    public static bool Is(Exception exception) =>
        exception is IOException { HResult: var code }
        && (code is LinuxNoSpace or MacNoSpace || (code & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull)
        && exception is not FileNotFoundException and not DirectoryNotFoundException;

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
