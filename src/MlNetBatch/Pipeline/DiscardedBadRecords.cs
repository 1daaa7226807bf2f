using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Pipeline;

/// <summary>A sink that drops bad rows: for plan-time samples, whose bad rows the run itself quarantines.</summary>
internal sealed class DiscardedBadRecords : IBadRecordSink
{
    public static DiscardedBadRecords Instance { get; } = new();

    public void Report(BadRecord record)
    {
    }
}
