using Microsoft.ML;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Scoring;

/// <summary>The lazily scored output of <see cref="ScoreOnnxTransformer"/>: input columns plus the model's outputs.</summary>
internal sealed class ScoredDataView(IDataView input, OnnxScoringModel model, DataViewSchema schema, ScoringSlotPool slots, IBadRecordSink? badRecords, bool sequential) : IDataView
{
    public ScoringSlotPool Slots => slots;

    /// <summary>Where rows the model fails on go; when null, such a failure fails the read.</summary>
    public IBadRecordSink? BadRecords => badRecords;

    public IDataView Input => input;

    /// <summary>Whether cursors fill and score on the consumer's thread instead of on background stages.</summary>
    public bool Sequential => sequential;

    public OnnxScoringModel Model => model;

    public DataViewSchema Schema => schema;

    public bool CanShuffle => false;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = Active(columnsNeeded);
        return ScoredRowCursor.Create(this, input.GetRowCursor(InputColumnsNeeded(active)), active, sequential);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = Active(columnsNeeded);
        var inputs = input.GetRowCursorSet(InputColumnsNeeded(active), n);
        var cursors = new DataViewRowCursor[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            cursors[i] = ScoredRowCursor.Create(this, inputs[i], active, sequential);
        }

        return cursors;
    }

    private bool[] Active(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var active = new bool[schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        return active;
    }

    private List<DataViewSchema.Column> InputColumnsNeeded(bool[] active)
    {
        var needed = new HashSet<int>();
        for (var i = 0; i < input.Schema.Count; i++)
        {
            if (active[i])
            {
                needed.Add(i);
            }
        }

        foreach (var spec in model.Inputs)
        {
            foreach (var column in spec.SourceColumns)
            {
                needed.Add(input.Schema[column].Index);
            }
        }

        return needed.Order().Select(i => input.Schema[i]).ToList();
    }
}
