using System.Text.Json;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// Writes one run's manifest, fenced by its lease's epoch: every write is conditional on the version this run last
/// wrote or read, and a manifest written under a later epoch stops the run with <see cref="OutputLeaseLostException"/>,
/// leaving that run's records as they are.
/// </summary>
internal sealed class ManifestWriter(IObjectStore store, ObjectLocation directory, string name, string job, long epoch, StoredManifest? stored)
{
    private const int Attempts = 5;

    private string? _version = stored?.Version;
    private long _storedEpoch = stored?.Manifest.Epoch ?? 0;

    /// <summary>The epoch this run writes under.</summary>
    public long Epoch => epoch;

    /// <summary>The manifest's name in the output directory.</summary>
    public string Name => name;

    /// <summary>
    /// Throws <see cref="OutputLeaseLostException"/> when a run of a later epoch has written the manifest since this run
    /// last did: a commit record written now would be a run's that lost the output. One stat, and a read only when the
    /// manifest changed.
    /// </summary>
    public async Task ThrowIfTakenOverAsync(CancellationToken cancellationToken)
    {
        if (_storedEpoch > epoch)
        {
            throw OutputLeaseLostException.LaterEpoch(job, directory, name, _storedEpoch, epoch);
        }

        var location = directory.Combine(name);
        var known = _version;
        string current;
        try
        {
            current = (await store.StatAsync(location, cancellationToken).ConfigureAwait(false)).ETag;
        }
        catch (ObjectNotFoundException) when (known is null)
        {
            return;
        }
        catch (ObjectNotFoundException)
        {
            throw new OutputLeaseLostException(job, directory, $"another run removed {name} after this run wrote it");
        }

        if (known is not null && ObjectVersion.IsSameTag(known, current))
        {
            return;
        }

        // Changed: by this run's own write meanwhile, or by another run's.
        if (await ManifestFiles.ReadAsync(store, location, cancellationToken).ConfigureAwait(false) is { } stored && stored.Manifest.Epoch > epoch)
        {
            throw OutputLeaseLostException.LaterEpoch(job, directory, name, stored.Manifest.Epoch, epoch);
        }
    }

    /// <summary>
    /// Writes <paramref name="manifest"/>, stamped with <see cref="Epoch"/>. When an earlier epoch's run (or this run's
    /// own retried request) wrote meanwhile, the files it lists are added to <paramref name="manifest"/>'s before
    /// writing again: only a manifest proves which files the job may delete.
    /// </summary>
    public async Task WriteAsync(JobManifest manifest, CancellationToken cancellationToken)
    {
        var location = directory.Combine(name);
        manifest.Epoch = epoch;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (_storedEpoch > epoch)
            {
                throw OutputLeaseLostException.LaterEpoch(job, directory, name, _storedEpoch, epoch);
            }

            var content = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestFiles.Json);
            var written = _version is null
                ? await store.TryCreateNewAsync(location, content, cancellationToken).ConfigureAwait(false)
                : await store.TryReplaceAsync(location, content, _version, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                _version = written;
                _storedEpoch = epoch;
                return;
            }

            var current = await ManifestFiles.ReadAsync(store, location, cancellationToken).ConfigureAwait(false);
            if (current is null && _version is not null)
            {
                // Only a run that took the output from this one removes its manifest (retiring another split's).
                throw new OutputLeaseLostException(job, directory, $"another run removed {name} after this run wrote it");
            }

            _version = current?.Version;
            _storedEpoch = current?.Manifest.Epoch ?? 0;
            if (current is not null && current.Manifest.Epoch <= epoch)
            {
                manifest.Files = manifest.Files.Union(current.Manifest.Files, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            }
        }

        throw new StorageException(location, $"job '{job}': the manifest kept changing while this run wrote it ({Attempts} attempts); another run writes it too.");
    }
}
