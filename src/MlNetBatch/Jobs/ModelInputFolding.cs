using MlNetBatch.Pipeline;
using MlNetBatch.Scoring;

namespace MlNetBatch.Jobs;

/// <summary>
/// The model bindings that a job's block stages fold into while its preprocessing is planned
/// (<see cref="ICanFoldIntoModelInput"/>). A stage folds only when exactly one model input reads its output and
/// nothing else does: no later step and no sink column. Folding removes that column, so with any other reader the
/// output would change.
/// </summary>
internal sealed class ModelInputFolding
{
    private readonly IReadOnlyCollection<string> _modelInputs;
    private readonly IReadOnlyCollection<string> _sinkColumns;
    private readonly List<string> _folded = [];

    /// <param name="model">The model's options; they are copied, not changed.</param>
    /// <param name="modelInputs">The names of the model's inputs.</param>
    /// <param name="sinkColumns">The columns the sink writes (none listed: the source's and the model's).</param>
    public ModelInputFolding(ScoreOnnxOptions model, IReadOnlyCollection<string> modelInputs, IReadOnlyCollection<string> sinkColumns)
    {
        Model = model.Clone();
        _modelInputs = modelInputs;
        _sinkColumns = sinkColumns;
    }

    /// <summary>The model's options with every fold made so far.</summary>
    public ScoreOnnxOptions Model { get; }

    /// <summary>The model inputs that stages were folded into, in the order they were folded.</summary>
    public IReadOnlyList<string> FoldedInputs => _folded;

    /// <summary>
    /// Asks <paramref name="stage"/> to fold into the model input that reads its output when nothing else reads it,
    /// <paramref name="laterSteps"/> being the steps that run after it. Returns that input, or null when the stage runs.
    /// </summary>
    public string? TryFold(ICanFoldIntoModelInput stage, IEnumerable<PreprocessStep> laterSteps)
    {
        var output = stage.OutputColumn;
        if (_sinkColumns.Contains(output) || !NothingLaterInterferes(stage, laterSteps) || SoleReader(output) is not { } input || !stage.TryFoldInto(Model, input))
        {
            return null;
        }

        _folded.Add(input);
        return input;
    }

    /// <summary>The one model input that reads <paramref name="column"/>; null when none or several do.</summary>
    private string? SoleReader(string column)
    {
        string? reader = null;
        foreach (var input in _modelInputs)
        {
            // An input reads its concatenated columns, else the column mapped to it, else the column of its own name.
            var reads = Model.ConcatenatedInputs.TryGetValue(input, out var concatenated) ? concatenated.Contains(column)
                : Model.InputColumns.TryGetValue(input, out var mapped) ? mapped == column
                : input == column;
            if (reads && reader is not null)
            {
                return null;
            }

            reader = reads ? input : reader;
        }

        return reader;
    }

    /// <summary>
    /// Whether the steps after the stage leave its output to the model alone: none reads it, writes over it or over
    /// one of the stage's inputs (the scorer would read the new values), or drops and selects columns.
    /// </summary>
    private static bool NothingLaterInterferes(ICanFoldIntoModelInput stage, IEnumerable<PreprocessStep> laterSteps)
    {
        foreach (var next in laterSteps)
        {
            var reshapes = next.Transform.Equals("DropColumns", StringComparison.OrdinalIgnoreCase)
                || next.Transform.Equals("SelectColumns", StringComparison.OrdinalIgnoreCase);
            var readsOutput = next.InputColumns.Contains(stage.OutputColumn);
            var writesOver = next.OutputColumn is { } written && (written == stage.OutputColumn || stage.InputColumns.Contains(written));
            if (reshapes || readsOutput || writesOver)
            {
                return false;
            }
        }

        return true;
    }
}
