using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Tests.Data;

/// <summary>Keeps every bad record reported, for assertions; never runs out of tolerance.</summary>
internal sealed class CollectingBadRecordSink : IBadRecordSink
{
    private readonly List<BadRecord> _records = [];

    public IReadOnlyList<BadRecord> Records
    {
        get
        {
            lock (_records)
            {
                return _records.ToList();
            }
        }
    }

    public void Report(BadRecord record)
    {
        lock (_records)
        {
            _records.Add(record);
        }
    }
}
