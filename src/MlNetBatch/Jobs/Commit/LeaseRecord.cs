namespace MlNetBatch.Jobs.Commit;

/// <summary>What a lease file holds: who holds it, for which job and settings, and until when.</summary>
internal sealed class LeaseRecord
{
    public string Holder { get; set; } = string.Empty;

    public string Job { get; set; } = string.Empty;

    /// <summary>The settings and model the holder scores with; sibling shards must agree on it.</summary>
    public string? Fingerprint { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>
    /// The fencing token: higher than that of every run that held the output before. Manifests and their records carry
    /// it, and a run finding a later epoch there stops committing. Leases written before epochs existed read as 0.
    /// </summary>
    public long Epoch { get; set; }

    // The holding process; absent from leases written before these were recorded, which keep the expiry rule.
    public string? Host { get; set; }

    public string? Namespace { get; set; }

    public int? Pid { get; set; }

    public DateTimeOffset? ProcessStartedAt { get; set; }

    public long? ProcessStartTicks { get; set; }

    /// <summary>A new run's lease of <paramref name="job"/>, held by this process; epoch and expiry are set when it is written.</summary>
    public static LeaseRecord ForThisProcess(string job, string? fingerprint)
    {
        var self = LeaseHolderProcess.Current;
        return new LeaseRecord
        {
            Holder = $"{self.Host}/pid {self.Pid}/run {Guid.NewGuid():N}",
            Job = job,
            Fingerprint = fingerprint,
            Host = self.Host,
            Namespace = self.Namespace,
            Pid = self.Pid,
            ProcessStartedAt = self.StartedAt,
            ProcessStartTicks = self.StartTicks,
        };
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public LeaseHolderProcess? HolderProcess =>
        Host is { Length: > 0 } host && Pid is { } pid && ProcessStartedAt is { } started ? new LeaseHolderProcess(host, Namespace, pid, started, ProcessStartTicks) : null;

    /// <summary>Whether the holder may still be writing: the lease has not expired and its process is not known to be gone.</summary>
    public bool IsLive => ExpiresAt > DateTimeOffset.UtcNow && HolderProcess?.GoneReason() is null;
}
