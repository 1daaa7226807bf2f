using Microsoft.ML;

namespace MlNetBatch.Scoring.MlNet;

/// <summary>
/// An ML.NET model's output seen through a job's columns: the input columns (ML.NET keeps them at their indices, hidden
/// where the model replaces one) followed by the chosen outputs under their new names. Cursor sets pass straight
/// through, so ML.NET's own transforms run in parallel over the source's partitions.
/// </summary>
internal sealed class MlNetScoredDataView : IDataView
{
    private readonly IDataView _scored;
    private readonly int[] _scoredIndex;

    public MlNetScoredDataView(IDataView input, IDataView scored, MlNetBinding binding)
    {
        _scored = scored;
        Schema = binding.Schema;
        _scoredIndex = new int[Schema.Count];
        for (var i = 0; i < input.Schema.Count; i++)
        {
            // ML.NET's transforms append columns and never move the ones they receive; anything else would score the wrong column.
            if (scored.Schema[i].Name != input.Schema[i].Name || !scored.Schema[i].Type.Equals(input.Schema[i].Type))
            {
                throw new ModelException($"ML.NET model '{binding.Model.Name}' moved input column '{input.Schema[i].Name}'; its outputs cannot be matched to the input rows.");
            }

            _scoredIndex[i] = i;
        }

        for (var o = 0; o < binding.Outputs.Count; o++)
        {
            _scoredIndex[input.Schema.Count + o] = binding.Outputs[o].ScoredIndex;
        }

    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _scored.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = Active(columnsNeeded);
        return new MlNetScoredCursor(this, _scored.GetRowCursor(Needed(active)), active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = Active(columnsNeeded);
        var inner = _scored.GetRowCursorSet(Needed(active), n);
        return inner.Select(c => (DataViewRowCursor)new MlNetScoredCursor(this, c, active)).ToArray();
    }

    /// <summary>The column of the model's output that column <paramref name="index"/> of <see cref="Schema"/> reads.</summary>
    public DataViewSchema.Column ScoredColumn(int index) => _scored.Schema[_scoredIndex[index]];

    private bool[] Active(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        return active;
    }

    private List<DataViewSchema.Column> Needed(bool[] active)
    {
        var needed = new List<DataViewSchema.Column>();
        for (var i = 0; i < active.Length; i++)
        {
            if (active[i])
            {
                needed.Add(ScoredColumn(i));
            }
        }

        return needed;
    }
}
