namespace MlNetBatch.Jobs.Observation;

/// <summary>Points in a job run that an <see cref="IJobObserver"/> is told about.</summary>
internal enum JobPoint
{
    /// <summary>A chunk of input has been read.</summary>
    DuringRead,

    /// <summary>A batch of rows is about to be scored.</summary>
    DuringScoring,

    /// <summary>A partition's output is written and flushed under its temporary name, not yet renamed.</summary>
    BeforeOutputRename,

    /// <summary>A partition's output is visible, but its commit record is not written yet.</summary>
    AfterOutputCommit,
}
