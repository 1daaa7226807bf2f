using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>Another run holds the output directory; this run wrote nothing.</summary>
public sealed class OutputLeasedException(string job, ObjectLocation directory, string holder, DateTimeOffset expiresAt, string leaseName = OutputLease.LeaseName)
    : MlNetBatchException(
        $"Job '{job}': the output {directory} is in use by another run ({holder}) until {expiresAt:u} unless renewed; nothing was written. Wait for it to finish, or remove {leaseName} if that run is known to be dead.")
{
    /// <summary>The run holding the lease.</summary>
    public string Holder { get; } = holder;
}
