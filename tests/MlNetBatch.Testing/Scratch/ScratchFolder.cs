namespace MlNetBatch.Testing.Scratch;

/// <summary>
/// Where the tests and their servers keep their files: a RAM-backed folder (<c>/dev/shm</c>) when the machine has one
/// with room to spare, otherwise the system's temporary folder. A run of the suite creates and deletes tens of thousands
/// of small files; on a disk-backed <c>/tmp</c> (ext4) allocating their inodes and writing them back cost about a tenth
/// of the test processes' CPU time. What the tests check does not change: every path is still a local file system path,
/// written, renamed, listed and deleted the same way. <c>MLNETBATCH_TEST_SCRATCH</c> names another folder (a disk one,
/// say) instead.
/// </summary>
public static class ScratchFolder
{
    private const string RamBacked = "/dev/shm";

    /// <summary>Less free room than this (a container's 64 MB /dev/shm, for one) and the system's temporary folder is used.</summary>
    private const long RoomNeeded = 2L << 30;

    /// <summary>The folder to create test folders in.</summary>
    public static string Root { get; } = Choose();

    private static string Choose()
    {
        var configured = Environment.GetEnvironmentVariable("MLNETBATCH_TEST_SCRATCH");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        try
        {
            if (OperatingSystem.IsLinux() && Directory.Exists(RamBacked) && new DriveInfo(RamBacked).AvailableFreeSpace >= RoomNeeded)
            {
                return RamBacked;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not usable: the temporary folder below.
        }

        return Path.GetTempPath();
    }
}
