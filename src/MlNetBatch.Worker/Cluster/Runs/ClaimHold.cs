using System.Diagnostics;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// How long this node may still trust its claim on a partition: renewed from the moment it is claimed, lost when a
/// renewal finds it taken over, or run out when renewals stop (a paused process, a lost database).
/// </summary>
/// <remarks>
/// Times are those at which the claim or renewal was <em>asked</em> for: the database counts the lifetime from its
/// update, which comes after that, so a node paused between the update and reading the answer trusts its claim no longer
/// than the database keeps it.
/// </remarks>
internal sealed class ClaimHold(PartitionClaim claim, TimeSpan lifetime, long askedAt)
{
    private long _confirmedAt = askedAt;
    private volatile string? _lostReason;
    private volatile bool _committed;

    public PartitionClaim Claim => claim;

    /// <summary>Set once the partition is committed: a renewal that misses it then is no loss.</summary>
    public bool Committed
    {
        get => _committed;
        set => _committed = value;
    }

    /// <summary>The database renewed the claim in answer to a renewal asked for at <paramref name="askedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Renewed(long askedAt) => Interlocked.Exchange(ref _confirmedAt, askedAt);

    /// <summary>The claim is no longer this node's.</summary>
    public void Lost(string reason) => _lostReason = reason;

    /// <summary>Why the claim may no longer be this node's, or null while it is.</summary>
    public string? LossReason()
    {
        if (_lostReason is { } reason)
        {
            return reason;
        }

        // A tenth of the lifetime is kept for the time a publish takes.
        var since = Stopwatch.GetElapsedTime(Interlocked.Read(ref _confirmedAt));
        return since >= lifetime - lifetime / 10 ? $"its claim was last renewed {since.TotalSeconds:N1} s ago, past its {lifetime.TotalSeconds:N0} s lifetime" : null;
    }
}
