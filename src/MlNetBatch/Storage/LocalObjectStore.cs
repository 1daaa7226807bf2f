using System.Runtime.CompilerServices;

namespace MlNetBatch.Storage;

/// <summary>The local file system as an <see cref="IObjectStore"/>; writes go to a temporary name and are renamed on commit.</summary>
public sealed class LocalObjectStore : IObjectStore
{
    /// <summary>The suffix of files being written; readers and listings ignore them.</summary>
    public const string InProgressSuffix = ".inprogress";

    /// <inheritdoc />
    public bool CanHandle(ObjectLocation location) => location.IsLocal;

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectInfo> ListAsync(ObjectLocation prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var path = prefix.LocalPath;
        if (File.Exists(path))
        {
            yield return Describe(new FileInfo(path));
            yield break;
        }

        // A prefix may end inside a file name ("data/part-"), so list its directory and filter.
        var directory = path.EndsWith('/') ? path : Path.GetDirectoryName(path) ?? path;
        if (Directory.Exists(path))
        {
            directory = path;
        }

        if (!Directory.Exists(directory))
        {
            yield break;
        }

        var files = FilesUnder(directory)
            .Select(LocalPaths.ToKey)
            .Where(f => f.StartsWith(path, StringComparison.Ordinal) && !f.EndsWith(InProgressSuffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Exists reads the file's state once, for Describe too; a file deleted since it was listed (another shard's
            // lease released, a record folded) is left out, as an object store's listing may leave it out.
            var info = new FileInfo(file);
            if (info.Exists)
            {
                yield return Describe(info);
            }
        }
    }

    /// <inheritdoc />
    public Task<ObjectInfo> StatAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(location.LocalPath);
        return file.Exists
            ? Task.FromResult(Describe(file))
            : Task.FromException<ObjectInfo>(new ObjectNotFoundException(location));
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(location.LocalPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 1 << 16,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(location, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StorageException(location, "access denied.", e);
        }

        if (expected is not null)
        {
            var actual = Describe(new FileInfo(location.LocalPath));
            if (!ObjectVersion.IsSame(expected, actual))
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw new ObjectChangedException(location, expected, actual);
            }
        }

        return stream;
    }

    /// <inheritdoc />
    public Task<IAtomicObjectWrite> CreateAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        var finalPath = location.LocalPath;
        // A unique temporary name so that two writers of the same object never share a file.
        var temporaryPath = TemporaryFiles.Name(finalPath);
        FileStream stream;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotWrite(location, e);
        }

        return Task.FromResult<IAtomicObjectWrite>(new LocalAtomicWrite(location, temporaryPath, new LocalWriteStream(location, stream)));
    }

    /// <inheritdoc />
    public Task RemoveAbandonedWritesAsync(ObjectLocation prefix, Func<ObjectLocation, bool> isOwned, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isOwned);
        var directory = prefix.LocalPath;
        if (Directory.Exists(directory))
        {
            foreach (var file in FilesUnder(directory).Where(f => f.EndsWith(InProgressSuffix, StringComparison.Ordinal)))
            {
                // Only "<final name>.<32 hex digits>.inprogress", as CreateAsync names them, and only for owned objects.
                var final = TemporaryFiles.FinalPath(LocalPaths.ToKey(file));
                if (final is not null && isOwned(ObjectLocation.Local(final)))
                {
                    File.Delete(file);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string?> TryCreateNewAsync(ObjectLocation location, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        LocalConditionalWrites.TryCreateNewAsync(location, content, cancellationToken);

    /// <inheritdoc />
    public Task<string?> TryReplaceAsync(ObjectLocation location, ReadOnlyMemory<byte> content, string expectedVersion, CancellationToken cancellationToken = default) =>
        LocalConditionalWrites.TryReplaceAsync(location, content, expectedVersion, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(ObjectLocation location, CancellationToken cancellationToken = default)
    {
        // Deleting what is not there is not an error, whether the file or its directory is missing.
        if (File.Exists(location.LocalPath))
        {
            File.Delete(location.LocalPath);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The files under <paramref name="directory"/> and its subdirectories, without descending into linked
    /// directories: a link to a parent would list files again and again, and a link to a sibling would list its files
    /// twice. A linked file is listed, as the file it names.
    /// </summary>
    private static IEnumerable<string> FilesUnder(string directory) =>
        new System.IO.Enumeration.FileSystemEnumerable<string>(
            directory,
            (ref System.IO.Enumeration.FileSystemEntry entry) => entry.ToFullPath(),
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry entry) => !entry.IsDirectory,
            ShouldRecursePredicate = (ref System.IO.Enumeration.FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };

    /// <summary>Creating the directory or the file failed: a full disk, a read-only or virtual file system, access denied.</summary>
    private static StorageException CannotWrite(ObjectLocation location, Exception e) =>
        DiskFull.Is(e) ? DiskFull.Describe(location, 0, e)
        : new StorageException(location, $"cannot write here ({(e is UnauthorizedAccessException ? "access denied" : e.Message)}).", e);

    internal static ObjectInfo Describe(FileInfo file)
    {
        var modified = file.LastWriteTimeUtc;
        return new ObjectInfo(
            ObjectLocation.Local(file.FullName),
            file.Length,
            modified.Ticks.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
            new DateTimeOffset(modified, TimeSpan.Zero));
    }
}
