using Microsoft.ML;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Scoring;

namespace MlNetBatch.Jobs.Engine;

/// <summary>An ONNX model in a job: <see cref="ScoreOnnxTransformer"/>'s batched scoring over the loaded session.</summary>
internal sealed class OnnxJobModel(OnnxScoringModel model) : IJobModel
{
    private readonly ScoreOnnxTransformer _scorer = new(model, inputSchema: null);

    /// <summary>The loaded model, for the planner's folding of block stages into its inputs.</summary>
    public OnnxScoringModel Model => model;

    public string Name => model.Name;

    public ModelKind Kind => ModelKind.Onnx;

    public OnnxDevice Device => model.Device;

    public byte[] Identity => model.Bytes;

    public IReadOnlyList<ModelColumn> Inputs => model.Inputs.Select(i => ModelColumn.ForTensor(i, input: true)).ToList();

    public IReadOnlyList<ModelColumn> Outputs => model.Outputs.Select(o => ModelColumn.ForTensor(o, input: false)).ToList();

    public IReadOnlyList<string> OutputColumnNames => model.Outputs.Select(o => o.ColumnName).ToList();

    public DataViewSchema GetOutputSchema(DataViewSchema input) => _scorer.GetOutputSchema(input);

    public IDataView Transform(IDataView input, IBadRecordSink? badRecords, bool sequential) => _scorer.Transform(input, badRecords, sequential);

    public void Dispose() => _scorer.Dispose();
}
