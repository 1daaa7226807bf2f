using Microsoft.ML;

namespace MlNetBatch.Scoring.MlNet;

/// <summary>An ML.NET model bound to an input schema: the scored schema (input columns, then the chosen outputs) and how to apply it.</summary>
public sealed class MlNetBinding
{
    internal MlNetBinding(MlNetScoringModel model, DataViewSchema input, IReadOnlyList<MlNetOutput> outputs)
    {
        Model = model;
        Outputs = outputs;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var output in outputs)
        {
            builder.AddColumn(output.ColumnName, output.Type);
        }

        Schema = builder.ToSchema();
    }

    /// <summary>The model.</summary>
    public MlNetScoringModel Model { get; }

    /// <summary>The outputs written, in order after the input columns.</summary>
    public IReadOnlyList<MlNetOutput> Outputs { get; }

    /// <summary>The input columns followed by <see cref="Outputs"/>.</summary>
    public DataViewSchema Schema { get; }

    /// <summary>
    /// Scores <paramref name="input"/> lazily with the model's <c>Transform</c>: the input columns pass through as they
    /// were (even where the model replaces a column of the same name), followed by the outputs.
    /// </summary>
    public IDataView Transform(IDataView input) => new MlNetScoredDataView(input, Model.Transformer.Transform(input), this);
}
