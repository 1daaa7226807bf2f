using Microsoft.ML;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.MlNet;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// A saved ML.NET model in a job. Each partition applies the one loaded transformer to its own rows, so partitions
/// score in parallel; a row ML.NET fails on fails its partition (ML.NET's getters cannot tell one row from another).
/// </summary>
internal sealed class MlNetJobModel(MlNetScoringModel model, IReadOnlyDictionary<string, string> outputColumns) : IJobModel
{
    private MlNetBinding? _binding;

    public string Name => model.Name;

    public ModelKind Kind => ModelKind.MlNet;

    public OnnxDevice Device => OnnxDevice.Cpu;

    public byte[] Identity => model.Bytes;

    // The schema the model was saved with; it names every training column, the label too, which scoring does not read.
    public IReadOnlyList<ModelColumn> Inputs => model.SavedInputSchema.Where(c => !c.IsHidden).Select(c => Bound.Schema.GetColumnOrNull(c.Name) is null
        ? new ModelColumn(c.Name, Data.ColumnTypeNames.Format(c.Type), "not in the data (a training column the model may not read)")
        : ModelColumn.ForColumn(c.Name, c.Type, c.Name)).ToList();

    public IReadOnlyList<ModelColumn> Outputs => Bound.Outputs.Select(o => ModelColumn.ForColumn(o.ModelColumn, o.Type, o.ColumnName)).ToList();

    public IReadOnlyList<string> OutputColumnNames => Bound.Outputs.Select(o => o.ColumnName).ToList();

    private MlNetBinding Bound => _binding ?? throw new InvalidOperationException("The ML.NET model is bound to the preprocessed schema first.");

    public DataViewSchema GetOutputSchema(DataViewSchema input)
    {
        _binding = model.Bind(input, outputColumns);
        return _binding.Schema;
    }

    // Binding checks the schema again, per partition: cheap next to reading it, and it keeps no per-schema state here.
    public IDataView Transform(IDataView input, IBadRecordSink? badRecords, bool sequential) => model.Bind(input.Schema, outputColumns).Transform(input);

    public void Dispose()
    {
    }
}
