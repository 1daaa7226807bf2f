using System.Collections.Concurrent;
using Microsoft.ML;

namespace MlNetBatch.Scoring;

/// <summary>
/// Keeps the slots of finished scoring cursors for the next cursor of the same shape: a job scores partition
/// after partition through one transformer, and each slot holds megabytes of tensors and columns.
/// </summary>
internal sealed class ScoringSlotPool
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<ScoringBatch>> _free = new();

    /// <summary>Identifies slots that fit a cursor: the active columns' types and the rows per batch.</summary>
    public static string ShapeOf(DataViewSchema schema, bool[] active, int rows)
    {
        var key = new System.Text.StringBuilder().Append(rows);
        for (var i = 0; i < schema.Count; i++)
        {
            key.Append('|').Append(active[i] ? schema[i].Type.ToString() : "-");
        }

        return key.ToString();
    }

    public bool TryRent(string shape, out ScoringBatch slot)
    {
        slot = null!;
        return _free.TryGetValue(shape, out var bag) && bag.TryTake(out slot!);
    }

    public void Return(string shape, ScoringBatch slot) => _free.GetOrAdd(shape, _ => []).Add(slot);
}
