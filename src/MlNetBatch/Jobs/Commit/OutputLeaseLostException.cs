using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Commit;

/// <summary>
/// The run's lease on its output was taken by another run, or removed, while it ran: it commits nothing more. What it
/// committed before is recorded; a rerun resumes from there.
/// </summary>
public sealed class OutputLeaseLostException(string job, ObjectLocation directory, string reason)
    : MlNetBatchException($"Job '{job}': the lease on the output {directory} was lost ({reason}); this run stopped committing so that two runs never write there at once. Rerun the job once the other run has finished; it resumes from what was committed.")
{
    /// <summary>The run of <paramref name="mine"/> found <paramref name="file"/> written under the later epoch <paramref name="later"/>.</summary>
    internal static OutputLeaseLostException LaterEpoch(string job, ObjectLocation directory, string file, long later, long mine) =>
        new(job, directory, $"{file} was written by a run of lease epoch {later}, later than this run's epoch {mine}; its records were left as they are");
}
