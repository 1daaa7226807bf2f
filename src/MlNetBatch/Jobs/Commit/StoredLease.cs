namespace MlNetBatch.Jobs.Commit;

/// <summary>A lease as read from storage, with the version a conditional write must name to replace it.</summary>
internal sealed record StoredLease(LeaseRecord Record, string Version);
