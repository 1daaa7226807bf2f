using Microsoft.ML;
using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Scoring.Functions;

/// <summary>The lazily scored output of a batch model: the input columns, then the model's outputs.</summary>
internal sealed class BatchFunctionDataView(IDataView input, BatchFunctionBinding binding, IBadRecordSink? badRecords) : IDataView
{
    public BatchFunctionBinding Binding => binding;

    /// <summary>Where rows the model fails go; when null, such a row fails the read.</summary>
    public IBadRecordSink? BadRecords => badRecords;

    public DataViewSchema Schema => binding.Schema;

    public bool CanShuffle => false;

    // Rows the model fails are set aside, so the count is only known after scoring.
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var (active, copied) = Columns(columnsNeeded);
        return new BatchFunctionCursor(this, input.GetRowCursor(InputColumns(copied)), active, copied);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var (active, copied) = Columns(columnsNeeded);
        return input.GetRowCursorSet(InputColumns(copied), n).Select(c => (DataViewRowCursor)new BatchFunctionCursor(this, c, active, copied)).ToArray();
    }

    /// <summary>The columns the consumer reads, and the input columns each block copies: those read, the model's inputs and the path.</summary>
    private (bool[] Active, bool[] Copied) Columns(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        var copied = new bool[Schema.Count];
        for (var i = 0; i < input.Schema.Count; i++)
        {
            copied[i] = active[i] || i == binding.PathIndex;
        }

        foreach (var index in binding.Inputs.Values)
        {
            copied[index] = true;
        }

        return (active, copied);
    }

    private IEnumerable<DataViewSchema.Column> InputColumns(bool[] copied) =>
        Enumerable.Range(0, input.Schema.Count).Where(i => copied[i]).Select(i => input.Schema[i]).ToList();
}
