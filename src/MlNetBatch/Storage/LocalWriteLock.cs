using System.Diagnostics;

namespace MlNetBatch.Storage;

/// <summary>
/// A short exclusive hold on one local object, between threads and processes, for a compare and a rename: a lock
/// file beside the object, created only if absent (O_EXCL, which network file systems honour too) and removed on
/// release. Its name ends in <see cref="LocalObjectStore.InProgressSuffix"/>, so listings skip it.
/// </summary>
internal sealed class LocalWriteLock : IDisposable
{
    /// <summary>Appended to the object's path to name its lock file.</summary>
    public const string Suffix = ".lock" + LocalObjectStore.InProgressSuffix;

    // A holder keeps the file for milliseconds; one this old was left by a process that died holding it.
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    private readonly FileStream _file;

    private LocalWriteLock(FileStream file) => _file = file;

    /// <summary>Waits until this caller alone holds <paramref name="location"/>; its directory must exist.</summary>
    public static async Task<LocalWriteLock> AcquireAsync(ObjectLocation location, CancellationToken cancellationToken)
    {
        var path = location.LocalPath + Suffix;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None also locks the file (flock on Unix), so that a process breaking a stale lock can tell a
                // live holder. DeleteOnClose removes it on release, also on Windows, where a file open without
                // FileShare.Delete cannot be deleted by name.
                return new LocalWriteLock(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose));
            }
            catch (IOException e) when (e is not DirectoryNotFoundException && !DiskFull.Is(e))
            {
                BreakIfStale(path);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new StorageException(location, "cannot write here (access denied).", e);
            }

            if (waited.Elapsed > GiveUpAfter)
            {
                throw new StorageException(location,
                    $"the lock {path} stayed in place for {GiveUpAfter.TotalSeconds:0} s; if no MlNetBatch process is writing there, delete it.");
            }

            await Task.Delay(Random.Shared.Next(1, 8), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the lock file (see DeleteOnClose above).</summary>
    public void Dispose() => _file.Dispose();

    private static void BreakIfStale(string path)
    {
        var seen = new FileInfo(path);
        if (!seen.Exists || DateTime.UtcNow - seen.LastWriteTimeUtc < StaleAfter)
        {
            return;
        }

        try
        {
            // Granted only when no live process holds it. Deleted only if it is still the file judged stale, not one
            // created since by another process.
            using var held = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            if (File.GetLastWriteTimeUtc(held.SafeFileHandle) == seen.LastWriteTimeUtc)
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
        }
    }
}
