using System.Globalization;
using System.Text.RegularExpressions;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The other leases in an output directory that a run cannot write beside. Shards of one count split the partitions
/// between them and may run together, if they score with the same settings and model; any other pair (the whole job
/// and a shard, 0/2 and 1/3, two jobs, two settings) would write the same files at once.
/// </summary>
internal static partial class ShardLeases
{
    /// <summary>Throws <see cref="OutputLeasedException"/> naming the first live or unreadable lease a run of <paramref name="shard"/> conflicts with.</summary>
    public static async Task RefuseConflictsAsync(IObjectStore store, ObjectLocation directory, string job, JobShard? shard, string? fingerprint, CancellationToken cancellationToken)
    {
        var prefix = directory.Key.TrimEnd('/') + "/";
        var own = OutputLease.Name(shard);
        var names = new List<string>();
        await foreach (var file in store.ListAsync(directory.WithKey(prefix + "_lease"), cancellationToken).ConfigureAwait(false))
        {
            var name = file.Location.Key[prefix.Length..];
            if (name != own && (name == OutputLease.LeaseName || ShardLease().IsMatch(name)))
            {
                names.Add(name);
            }
        }

        // Every one is checked: an expired lease left by a crash must not hide a live one behind it.
        foreach (var name in names)
        {
            var sibling = shard is not null && ShardLease().Match(name) is { Success: true } match
                && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) == shard.Count;
            LeaseRecord? holder;
            try
            {
                holder = await ReadOrThrowAsync(store, directory.Combine(name), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
            {
                // Unreadable is not absent: its run may be writing.
                throw new OutputLeasedException(job, directory, $"the run of an unreadable {name}", DateTimeOffset.UtcNow, name);
            }

            if (holder is null)
            {
                continue;
            }

            if (!holder.IsLive)
            {
                // Another split's run whose lease ran out may still be going (paused, cut off from storage): removing
                // its lease is what tells it, at its next renewal or commit, that it must stop. A sibling's is left.
                if (!sibling)
                {
                    await RemoveIfUnchangedAsync(store, directory.Combine(name), holder, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (!sibling || holder.Job != job || holder.Fingerprint != fingerprint)
            {
                throw new OutputLeasedException(job, directory, holder.Holder + (sibling ? $" (job '{holder.Job}', other settings or model)" : string.Empty), holder.ExpiresAt, name);
            }
        }
    }

    private static async Task RemoveIfUnchangedAsync(IObjectStore store, ObjectLocation location, LeaseRecord seen, CancellationToken cancellationToken)
    {
        var again = await ReadOrThrowAsync(store, location, cancellationToken).ConfigureAwait(false);
        if (again?.Holder != seen.Holder || again.ExpiresAt != seen.ExpiresAt)
        {
            return;
        }

        await store.DeleteIfExistsAsync(location, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<LeaseRecord?> ReadOrThrowAsync(IObjectStore store, ObjectLocation location, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await store.OpenReadAsync(location, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await System.Text.Json.JsonSerializer.DeserializeAsync<LeaseRecord>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            // Released meanwhile.
            return null;
        }
    }

    [GeneratedRegex(@"^_lease\.shard-\d+-of-(\d+)\.json$")]
    private static partial Regex ShardLease();
}
