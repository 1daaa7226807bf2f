using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring.MlNet;

/// <summary>
/// A model saved with ML.NET's <c>MLContext.Model.Save</c>, loaded once and applied with its
/// <see cref="ITransformer.Transform"/>. ML.NET transformers are thread-safe for <c>Transform</c> (prediction engines
/// are not), so one loaded model serves every partition scored at once. Only load models from sources you trust.
/// </summary>
public sealed class MlNetScoringModel
{
    private readonly DataViewSchema _savedInputSchema;

    private MlNetScoringModel(string name, byte[] bytes, ITransformer transformer, DataViewSchema savedInputSchema)
    {
        Name = name;
        Bytes = bytes;
        Transformer = transformer;
        _savedInputSchema = savedInputSchema;
    }

    /// <summary>The model's file name.</summary>
    public string Name { get; }

    /// <summary>The model file's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>The schema the model was saved with: every column of its training data.</summary>
    public DataViewSchema SavedInputSchema => _savedInputSchema;

    /// <summary>The loaded transformer chain.</summary>
    public ITransformer Transformer { get; }

    /// <summary>Loads the <c>.zip</c> at <paramref name="path"/>; throws a <see cref="ModelException"/> naming the file when it cannot.</summary>
    public static MlNetScoringModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new ModelException($"ML.NET model file '{path}' does not exist.");
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var transformer = new MLContext().Model.Load(stream, out var inputSchema);
            return new MlNetScoringModel(name, bytes, transformer, inputSchema);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or InvalidDataException or IOException)
        {
            throw new ModelException($"ML.NET model '{name}' could not be loaded ({e.Message.ReplaceLineEndings(" ")}); is it a .zip written by MLContext.Model.Save?", e);
        }
    }

    /// <summary>
    /// The model's columns over <paramref name="input"/>: the schema it gives and the outputs chosen from it, the way
    /// ONNX outputs are chosen. With <paramref name="outputColumns"/> empty, every visible column the model adds that
    /// <paramref name="input"/> does not already have; otherwise only those listed, renamed.
    /// Throws a <see cref="ModelException"/> naming the input column that is missing or of the wrong type; a column the
    /// model was saved with must keep the type it was saved with.
    /// </summary>
    public MlNetBinding Bind(DataViewSchema input, IReadOnlyDictionary<string, string> outputColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputColumns);
        // Some transforms check their column's type only when a row is read (a normalizer takes any float vector):
        // a column the model was saved with must come with the type it was saved with, checked before any row is.
        foreach (var saved in _savedInputSchema)
        {
            if (!saved.IsHidden && input.GetColumnOrNull(saved.Name) is { } present && !present.Type.Equals(saved.Type))
            {
                throw new ModelException(TypeMismatch(saved, present));
            }
        }

        DataViewSchema scored;
        try
        {
            scored = Transformer.GetOutputSchema(input);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ModelException(DescribeMismatch(input, e), e);
        }

        var outputs = new List<MlNetOutput>();
        if (outputColumns.Count == 0)
        {
            for (var i = input.Count; i < scored.Count; i++)
            {
                if (!scored[i].IsHidden && input.GetColumnOrNull(scored[i].Name) is null)
                {
                    outputs.Add(new MlNetOutput(scored[i].Name, scored[i].Name, i, scored[i].Type));
                }
            }
        }
        else
        {
            foreach (var (modelColumn, column) in outputColumns)
            {
                var found = scored.GetColumnOrNull(modelColumn);
                if (found is not { } added || added.Index < input.Count)
                {
                    var offered = string.Join(", ", Enumerable.Range(input.Count, scored.Count - input.Count).Where(i => !scored[i].IsHidden).Select(i => scored[i].Name));
                    throw new ModelException($"ML.NET model '{Name}' has no output column '{modelColumn}' (Model:OutputColumns); it adds: {offered}.");
                }

                outputs.Add(new MlNetOutput(modelColumn, column, added.Index, added.Type));
            }
        }

        return new MlNetBinding(this, input, outputs);
    }

    private string TypeMismatch(DataViewSchema.Column needed, DataViewSchema.Column present) =>
        $"ML.NET model '{Name}' needs input column '{needed.Name}' as {ColumnTypeNames.Format(needed.Type)}, but the data's '{needed.Name}' is {ColumnTypeNames.Format(present.Type)}.";

    /// <summary>One line naming the saved input column that <paramref name="input"/> lacks or types differently, else ML.NET's own message.</summary>
    private string DescribeMismatch(DataViewSchema input, Exception e)
    {
        foreach (var needed in _savedInputSchema)
        {
            // The saved schema lists every training column (the label too); blame only one ML.NET's message names.
            if (needed.IsHidden || !e.Message.Contains($"'{needed.Name}'", StringComparison.Ordinal))
            {
                continue;
            }

            if (input.GetColumnOrNull(needed.Name) is not { } present)
            {
                return $"ML.NET model '{Name}' needs input column '{needed.Name}' ({ColumnTypeNames.Format(needed.Type)}), which the data does not have (it has {string.Join(", ", input.Where(c => !c.IsHidden).Select(c => c.Name))}).";
            }

            if (!present.Type.Equals(needed.Type))
            {
                return TypeMismatch(needed, present);
            }
        }

        return $"ML.NET model '{Name}' does not fit the data: {e.Message.ReplaceLineEndings(" ")}";
    }
}
