using System.Text;
using Microsoft.ML;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Functions;

namespace MlNetBatch.Jobs.Engine;

/// <summary>A registered <see cref="IBatchModel"/> in a job; rows it fails are set aside in the quarantine with their path and row.</summary>
internal sealed class FunctionJobModel(RegisteredBatchModel model, ModelDefinition definition, int partitionsAtOnce) : IJobModel
{
    public string Name => model.Name;

    public ModelKind Kind => ModelKind.Function;

    public OnnxDevice Device => OnnxDevice.Cpu;

    // A function has no file: its name, implementation and the settings it declares identify its scores. (A model that
    // declares none hashes as it did before Version existed.)
    public byte[] Identity => Encoding.UTF8.GetBytes(model.Model.Version.Length == 0
        ? $"{model.Name}|{model.Model.GetType().AssemblyQualifiedName}"
        : $"{model.Name}|{model.Model.GetType().AssemblyQualifiedName}|{model.Model.Version}");

    public IReadOnlyList<ModelColumn> Inputs => model.Model.Signature.Inputs.Select(i =>
        ModelColumn.ForColumn(i.Name, i.Type, definition.InputColumns.TryGetValue(i.Name, out var column) ? column : i.Name)).ToList();

    public IReadOnlyList<ModelColumn> Outputs => model.Model.Signature.Outputs
        .Where(o => definition.OutputColumns.Count == 0 || definition.OutputColumns.ContainsKey(o.Name))
        .Select(o => ModelColumn.ForColumn(o.Name, o.Type, definition.OutputColumns.TryGetValue(o.Name, out var column) ? column : o.Name)).ToList();

    public IReadOnlyList<string> OutputColumnNames => model.Model.Signature.Outputs
        .Where(o => definition.OutputColumns.Count == 0 || definition.OutputColumns.ContainsKey(o.Name))
        .Select(o => definition.OutputColumns.TryGetValue(o.Name, out var column) ? column : o.Name).ToList();

    /// <summary>Rows per call and calls at once, for <c>plan</c>.</summary>
    public string Calls => $"{(definition.BatchSize > 0 ? definition.BatchSize : model.Options.BatchSize)} rows per call, at most {model.Options.MaxConcurrency} calls at once";

    public DataViewSchema GetOutputSchema(DataViewSchema input) => Bind(input).Schema;

    public IDataView Transform(IDataView input, IBadRecordSink? badRecords, bool sequential) => new BatchFunctionDataView(input, Bind(input.Schema), badRecords);

    public void Dispose()
    {
        // The model is a DI singleton shared by every job; the container disposes it.
    }

    private BatchFunctionBinding Bind(DataViewSchema input) =>
        BatchFunctionBinding.Bind(model, input, definition.InputColumns, definition.OutputColumns, definition.BatchSize, partitionsAtOnce);
}
