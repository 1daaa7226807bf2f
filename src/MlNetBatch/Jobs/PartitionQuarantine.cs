using System.Text.Json;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>Collects one partition's bad rows, counts them against the job's budget, and writes them beside the output.</summary>
internal sealed class PartitionQuarantine(BadRecordBudget budget, Data.Partition partition) : IBadRecordSink
{
    /// <summary>The folder of quarantine files under the output directory.</summary>
    public const string FolderName = "_quarantine";

    private readonly List<BadRecord> _records = [];

    public int Count
    {
        get
        {
            lock (_records)
            {
                return _records.Count;
            }
        }
    }

    public void Report(BadRecord record)
    {
        // The scorer sees rows, not files: it leaves the place for the partition's own quarantine to fill in. A batch
        // model names the row's own file where the rows are files (images), and leaves the partition.
        if (record.File.Length == 0)
        {
            record = record with { File = partition.File.Location.ToString(), Partition = partition.Id };
        }
        else if (record.Partition.Length == 0)
        {
            record = record with { Partition = partition.Id };
        }

        lock (_records)
        {
            _records.Add(record);
        }

        budget.Add(record);
    }

    /// <summary>Takes this attempt's records back out of the job's count (the attempt failed and will be retried).</summary>
    public void Withdraw()
    {
        int count;
        lock (_records)
        {
            count = _records.Count;
            _records.Clear();
        }

        budget.Withdraw(count);
    }

    /// <summary>Writes the records as JSON Lines, atomically; returns the file, or null when there were none.</summary>
    public async Task<ObjectLocation?> WriteAsync(IObjectStore store, ObjectLocation destination, CancellationToken cancellationToken)
    {
        List<BadRecord> records;
        lock (_records)
        {
            records = [.. _records];
        }

        if (records.Count == 0)
        {
            return null;
        }

        await using var write = await store.CreateAsync(destination, cancellationToken).ConfigureAwait(false);
        await using (var writer = new Utf8JsonWriter(write.Stream))
        {
            foreach (var record in records)
            {
                JsonSerializer.Serialize(writer, record);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                write.Stream.WriteByte((byte)'\n');
                writer.Reset();
            }
        }

        await write.CommitAsync(cancellationToken).ConfigureAwait(false);
        return destination;
    }
}
