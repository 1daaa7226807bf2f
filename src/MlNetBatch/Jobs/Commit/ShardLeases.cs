using System.Globalization;
using System.Text.RegularExpressions;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>Which other leases in an output directory a run of a shard, or of the whole job, cannot run beside.</summary>
internal static partial class ShardLeases
{
    /// <summary>The name of a lease in <paramref name="directory"/> that conflicts with a run of <paramref name="shard"/>, or null.</summary>
    public static async Task<string?> FindConflictAsync(IObjectStore store, ObjectLocation directory, JobShard? shard, CancellationToken cancellationToken)
    {
        var prefix = directory.Key.TrimEnd('/') + "/";
        var own = OutputLease.Name(shard);
        await foreach (var file in store.ListAsync(directory.WithKey(prefix + "_lease"), cancellationToken).ConfigureAwait(false))
        {
            var name = file.Location.Key[prefix.Length..];
            if (name == own)
            {
                continue;
            }

            if (name == OutputLease.LeaseName || (shard is null && ShardLease().IsMatch(name)))
            {
                return name;
            }

            var match = ShardLease().Match(name);
            if (match.Success && shard is not null && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) != shard.Count)
            {
                return name;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^_lease\.shard-\d+-of-(\d+)\.json$")]
    private static partial Regex ShardLease();
}
