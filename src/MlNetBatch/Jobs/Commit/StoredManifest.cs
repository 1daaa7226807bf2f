namespace MlNetBatch.Jobs.Commit;

/// <summary>A manifest as read from storage, with the version a conditional write must name to replace it.</summary>
internal sealed record StoredManifest(JobManifest Manifest, string Version);
