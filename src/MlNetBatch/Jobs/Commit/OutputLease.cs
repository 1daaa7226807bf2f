using System.Text.Json;
using Microsoft.Extensions.Logging;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// Exclusive use of an output directory by one run: a <c>_lease.json</c> created only if absent, renewed while the
/// run lasts and deleted at its end. A lease that is not renewed expires, so a crashed run does not block the next;
/// on the holder's own host, a lease whose process is gone is taken over at once (see <see cref="LeaseHolderProcess"/>).
/// Renewals and takeovers are conditional writes of the version last seen, so of two takers one wins, and a run whose
/// lease was taken cannot renew it. Each lease carries a fencing <see cref="Epoch"/>.
/// </summary>
public sealed class OutputLease : IAsyncDisposable
{
    /// <summary>The lease's file name in the output directory.</summary>
    public const string LeaseName = "_lease.json";

    private readonly IObjectStore _store;
    private readonly ObjectLocation _location;
    private readonly LeaseRecord _record;
    private readonly TimeSpan _duration;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private string? _lostReason;
    private long _confirmedUntilTicks;
    private string _version;
    private readonly Task _renewal;

    private OutputLease(IObjectStore store, ObjectLocation location, LeaseRecord record, string version, TimeSpan duration, ILogger logger)
    {
        _confirmedUntilTicks = record.ExpiresAt.UtcTicks;
        _version = version;
        _store = store;
        _location = location;
        _record = record;
        _duration = duration;
        _logger = logger;
        _renewal = Task.Run(RenewAsync);
    }

    /// <summary>The lease file of a run of <paramref name="shard"/>, or of the whole job.</summary>
    public static string Name(JobShard? shard) => shard is null ? LeaseName : $"_lease.{shard.Name}.json";

    /// <summary>Cancelled when renewal finds the lease taken by another run, removed, or unreadable.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Throws <see cref="OutputLeaseLostException"/> once the lease is lost: call it before each commit.</summary>
    public void ThrowIfLost(string job, ObjectLocation directory)
    {
        if (LossReason() is { } reason)
        {
            throw new OutputLeaseLostException(job, directory, reason);
        }
    }

    /// <summary>Why the lease is no longer this run's, or null while it is.</summary>
    public string? LossReason()
    {
        if (_lost.IsCancellationRequested)
        {
            return _lostReason ?? "unknown";
        }

        // Renewals that keep failing (a storage outage, a paused process) let the lease run out: from then on another
        // run may have taken it, whether or not a renewal has seen that yet. A tenth of the term is kept for clock skew.
        var confirmedUntil = new DateTimeOffset(Interlocked.Read(ref _confirmedUntilTicks), TimeSpan.Zero);
        return DateTimeOffset.UtcNow >= confirmedUntil - _duration / 10 ? $"it was last renewed to {confirmedUntil:u}, and not since" : null;
    }

    /// <summary>Who holds this lease: host, process and run.</summary>
    public string Holder => _record.Holder;

    /// <summary>
    /// The fencing token: one more than the highest epoch in the lease this one replaced and in the directory's
    /// manifests, so it grows with every run that takes the output.
    /// </summary>
    public long Epoch => _record.Epoch;

    /// <summary>
    /// Takes the lease on <paramref name="directory"/> for <paramref name="job"/>, or throws
    /// <see cref="OutputLeasedException"/> naming the holder when another run has it.
    /// </summary>
    public static async Task<OutputLease> AcquireAsync(
        IObjectStore store, ObjectLocation directory, string job, JobShard? shard, TimeSpan duration, ILogger logger, CancellationToken cancellationToken) =>
        await AcquireAsync(store, directory, job, shard, fingerprint: null, duration, logger, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Takes the lease of a run of <paramref name="shard"/> (or of the whole job) on <paramref name="directory"/>, or
    /// throws <see cref="OutputLeasedException"/> naming the holder when another run has it, or when a live run of
    /// another split, or a sibling shard of other settings (<paramref name="fingerprint"/>), writes there.
    /// </summary>
    public static async Task<OutputLease> AcquireAsync(
        IObjectStore store, ObjectLocation directory, string job, JobShard? shard, string? fingerprint, TimeSpan duration, ILogger logger, CancellationToken cancellationToken)
    {
        var lease = await AcquireAsync(store, directory, directory.Combine(Name(shard)), job, fingerprint, duration, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            // Checked after taking our own lease, so of two runs that start together at least one sees the other.
            await ShardLeases.RefuseConflictsAsync(store, directory, job, shard, fingerprint, cancellationToken).ConfigureAwait(false);
            return lease;
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<OutputLease> AcquireAsync(
        IObjectStore store, ObjectLocation directory, ObjectLocation location, string job, string? fingerprint, TimeSpan duration, ILogger logger, CancellationToken cancellationToken)
    {
        var record = LeaseRecord.ForThisProcess(job, fingerprint);
        StoredLease? current = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            record.Epoch = Math.Max(current?.Record.Epoch ?? 0, await ManifestFiles.HighestEpochAsync(store, directory, cancellationToken).ConfigureAwait(false)) + 1;
            record.ExpiresAt = DateTimeOffset.UtcNow + duration;
            var content = JsonSerializer.SerializeToUtf8Bytes(record);
            // A takeover replaces exactly the lease that was found expired: of two takers, only one can.
            var version = current is null
                ? await store.TryCreateNewAsync(location, content, cancellationToken).ConfigureAwait(false)
                : await store.TryReplaceAsync(location, content, current.Version, cancellationToken).ConfigureAwait(false);
            if (version is not null)
            {
                return new OutputLease(store, location, record, version, duration, logger);
            }

            current = await LeaseFiles.ReadForTakeoverAsync(store, location, job, directory, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                // Released between our attempt and this read: try again.
                continue;
            }

            if (current.Record.Holder == record.Holder)
            {
                // This run's own write, retried after its answer was lost.
                return new OutputLease(store, location, record, current.Version, duration, logger);
            }

            var gone = current.Record.HolderProcess?.GoneReason();
            if (current.Record.ExpiresAt > DateTimeOffset.UtcNow && gone is null)
            {
                throw new OutputLeasedException(job, directory, current.Record.Holder, current.Record.ExpiresAt, location.Name);
            }

            // Expired, or held by a process that is gone from this host (a crash: systemd restarts us within seconds).
            if (gone is not null && current.Record.ExpiresAt > DateTimeOffset.UtcNow)
            {
                logger.LogWarning("Job {Job}: taking over the lease on {Output} at once: its holder {Holder} is dead ({Reason})", job, directory, current.Record.Holder, gone);
            }
            else
            {
                logger.LogWarning("Job {Job}: taking over the expired lease on {Output} held by {Holder}", job, directory, current.Record.Holder);
            }
        }

        throw new OutputLeasedException(job, directory, current?.Record.Holder ?? "another run", current?.Record.ExpiresAt ?? DateTimeOffset.UtcNow, location.Name);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        try
        {
            var current = await LeaseFiles.ReadAsync(_store, _location, CancellationToken.None).ConfigureAwait(false);
            if (current?.Holder == _record.Holder)
            {
                await _store.DeleteAsync(_location).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is StorageException or IOException)
        {
            _logger.LogWarning("Could not release the lease {Lease} ({Reason}); it expires by itself at {Expiry}", _location, e.Message, _record.ExpiresAt);
        }

        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task RenewAsync()
    {
        var interval = _duration / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
                // Not re-created when gone: whoever removed it may have started writing. A failed write is retried.
                if (await RenewOnceAsync(_stop.Token).ConfigureAwait(false) is { } reason)
                {
                    _lostReason = reason;
                    _logger.LogError("The lease {Lease} was lost ({Reason}); this run commits nothing more", _location, reason);
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is StorageException or IOException)
            {
                _logger.LogWarning("Could not renew the lease {Lease} ({Reason}); will try again", _location, e.Message);
            }
        }
    }

    /// <summary>
    /// Writes the lease again on condition that it is still the version this run wrote last; why it is lost, or null
    /// while it is not. A write that fails for a transient reason throws.
    /// </summary>
    private async Task<string?> RenewOnceAsync(CancellationToken cancellationToken)
    {
        _record.ExpiresAt = DateTimeOffset.UtcNow + _duration;
        if (await _store.TryReplaceAsync(_location, JsonSerializer.SerializeToUtf8Bytes(_record), _version, cancellationToken).ConfigureAwait(false) is { } version)
        {
            _version = version;
            Interlocked.Exchange(ref _confirmedUntilTicks, _record.ExpiresAt.UtcTicks);
            return null;
        }

        // Another version is there: another run's, or this run's own, written by a retry after its answer was lost.
        StoredLease? current;
        try
        {
            current = await LeaseFiles.ReadStoredAsync(_store, _location, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return "its file can no longer be read";
        }

        if (current is null)
        {
            return "its file was removed";
        }

        if (current.Record.Holder != _record.Holder)
        {
            return $"it now belongs to {current.Record.Holder}, epoch {current.Record.Epoch}; this run's epoch is {_record.Epoch}";
        }

        _version = current.Version;
        Interlocked.Exchange(ref _confirmedUntilTicks, current.Record.ExpiresAt.UtcTicks);
        return null;
    }
}
