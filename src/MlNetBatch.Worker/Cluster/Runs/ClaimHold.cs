using System.Diagnostics;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// How long this node may still trust its claim on a partition: renewed from the moment it is claimed, lost when a
/// renewal finds it taken over, or run out when renewals stop (a paused process, a lost database).
/// </summary>
internal sealed class ClaimHold(PartitionClaim claim, TimeSpan lifetime)
{
    private long _confirmedAt = Stopwatch.GetTimestamp();
    private volatile string? _lostReason;

    public PartitionClaim Claim => claim;

    /// <summary>Set once the partition is committed: a renewal that misses it then is no loss.</summary>
    public bool Committed { get; set; }

    /// <summary>The database renewed the claim just now.</summary>
    public void Renewed() => Interlocked.Exchange(ref _confirmedAt, Stopwatch.GetTimestamp());

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
