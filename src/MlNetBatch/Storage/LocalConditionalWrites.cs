namespace MlNetBatch.Storage;

/// <summary>
/// Conditional writes of small local objects: the check and the rename happen under <see cref="LocalWriteLock"/>, so
/// between processes too at most one writer of a version wins. A version is the last-write time, and a replacement is
/// stamped later than the version it replaces, so that no two versions of one object ever look the same.
/// </summary>
internal static class LocalConditionalWrites
{
    /// <summary>See <see cref="IObjectStore.TryCreateNewAsync"/>.</summary>
    public static async Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = location.LocalPath;
        if (File.Exists(path))
        {
            return null;
        }

        CreateDirectory(location);
        using var held = await LocalWriteLock.AcquireAsync(location, cancellationToken).ConfigureAwait(false);
        var (temporaryPath, version) = await WriteTemporaryAsync(location, content, after: null, cancellationToken).ConfigureAwait(false);
        try
        {
            // Without overwrite: a plain write (which takes no lock) may have created the name meanwhile.
            File.Move(temporaryPath, path, overwrite: false);
            return version;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporaryPath);
            return null;
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
    }

    /// <summary>See <see cref="IObjectStore.TryReplaceAsync"/>.</summary>
    public static async Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expectedVersion);
        if (!File.Exists(location.LocalPath))
        {
            return null;
        }

        using var held = await LocalWriteLock.AcquireAsync(location, cancellationToken).ConfigureAwait(false);
        var current = new FileInfo(location.LocalPath);
        if (!current.Exists || !ObjectVersion.IsSameTag(expectedVersion, LocalObjectStore.Describe(current).ETag))
        {
            return null;
        }

        var (temporaryPath, version) = await WriteTemporaryAsync(location, content, current.LastWriteTimeUtc, cancellationToken).ConfigureAwait(false);
        try
        {
            File.Move(temporaryPath, location.LocalPath, overwrite: true);
            return version;
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
    }

    private static void CreateDirectory(ObjectLocation location)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(location.LocalPath)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DiskFull.Is(e) ? DiskFull.Describe(location, 0, e)
                : new StorageException(location, $"cannot write here ({(e is UnauthorizedAccessException ? "access denied" : e.Message)}).", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> in full, on disk, under a temporary name, stamped later than
    /// <paramref name="after"/>; returns that name and the version the object will have once renamed.
    /// </summary>
    private static async Task<(string Path, string Version)> WriteTemporaryAsync(ObjectLocation location, ReadOnlyMemory<byte> content, DateTime? after, CancellationToken cancellationToken)
    {
        var temporaryPath = TemporaryFiles.Name(location.LocalPath);
        try
        {
            await using (var file = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                // On disk before the rename makes it visible, or a power cut could publish a torn lease or manifest.
                file.Flush(flushToDisk: true);
            }

            if (after is { } previous)
            {
                StampAfter(temporaryPath, previous);
            }

            return (temporaryPath, LocalObjectStore.Describe(new FileInfo(temporaryPath)).ETag);
        }
        catch (Exception e)
        {
            File.Delete(temporaryPath);
            throw DiskFull.Is(e) ? DiskFull.Describe(location, 0, e) : e;
        }
    }

    // File systems store times at their own resolution (100 ns to 2 s): a tick later may round back to the old time.
    private static void StampAfter(string path, DateTime previous)
    {
        foreach (var step in new[] { TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2) })
        {
            if (File.GetLastWriteTimeUtc(path) > previous)
            {
                return;
            }

            File.SetLastWriteTimeUtc(path, previous + step);
        }

        if (File.GetLastWriteTimeUtc(path) <= previous)
        {
            throw new IOException($"the file system did not keep a last-write time later than {previous:O} on {path}.");
        }
    }
}
