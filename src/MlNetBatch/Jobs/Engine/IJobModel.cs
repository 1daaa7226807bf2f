using Microsoft.ML;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Scoring;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// The seam where a job's model kind is chosen: a loaded model that turns the preprocessed rows of a partition into
/// scored rows. The engine (partitions, retries, quarantine, sinks, commit) is the same for every kind.
/// </summary>
internal interface IJobModel : IDisposable
{
    /// <summary>The model's name for logs and messages: its file name, or its registered name.</summary>
    string Name { get; }

    /// <summary>The kind of model.</summary>
    ModelKind Kind { get; }

    /// <summary>Where it runs; partitions wait for a GPU's runs only when this is <see cref="OnnxDevice.Cuda"/>.</summary>
    OnnxDevice Device { get; }

    /// <summary>What identifies this model's scores for the commit log: the model file's bytes, or the function's name and type.</summary>
    byte[] Identity { get; }

    /// <summary>The model's inputs and the columns that feed them, for <c>plan</c>.</summary>
    IReadOnlyList<ModelColumn> Inputs { get; }

    /// <summary>The model's outputs and the columns they become, for <c>plan</c>.</summary>
    IReadOnlyList<ModelColumn> Outputs { get; }

    /// <summary>The names of the columns the model adds, in order: what a sink without a column list writes after the source's.</summary>
    IReadOnlyList<string> OutputColumnNames { get; }

    /// <summary>The scored schema: <paramref name="input"/>'s columns followed by the model's. Throws a <see cref="ModelException"/> naming the column that does not fit.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema input);

    /// <summary>
    /// Scores <paramref name="input"/> lazily. Rows the model fails on go to <paramref name="badRecords"/> where the kind
    /// can tell them apart; <paramref name="sequential"/> asks for no background stages of the scorer's own.
    /// </summary>
    IDataView Transform(IDataView input, IBadRecordSink? badRecords, bool sequential);
}
