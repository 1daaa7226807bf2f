namespace MlNetBatch.Data.BadRecords;

/// <summary>
/// Receives rows that cannot be read, so a source can skip them instead of failing. The sink decides when there
/// are too many and then throws, which fails the read.
/// </summary>
public interface IBadRecordSink
{
    /// <summary>Records a bad row; throws when the job's tolerance is used up.</summary>
    void Report(BadRecord record);
}
