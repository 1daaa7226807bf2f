using System.Text.Json;
using Microsoft.ML;
using System.Text.Json.Nodes;

namespace MlNetBatch.Pipeline;

/// <summary>
/// What fitting a job's preprocessing learned from the data, step by step: a block stage's fit (a vocabulary, a mean;
/// <see cref="IFittedBlockTransform.SaveFit"/>) or a stock ML.NET transform's saved model (the normalizers). A cluster
/// run stores it when it is planned, and every node builds the preprocessing from it instead of fitting again, so all
/// score with the planner's very parameters.
/// </summary>
public sealed class FittedPreprocessing
{
    private readonly SortedDictionary<int, StoredStep> _steps = [];

    /// <summary>Whether no step learned anything.</summary>
    public bool IsEmpty => _steps.Count == 0;

    /// <summary>The block stage fit stored for step <paramref name="step"/>, or null.</summary>
    public JsonNode? BlockFit(int step) => _steps.GetValueOrDefault(step)?.Block?.DeepClone();

    /// <summary>The stock ML.NET transformer stored for step <paramref name="step"/>, loaded; null when none is.</summary>
    public ITransformer? LoadTransformer(MLContext mlContext, int step)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        if (_steps.GetValueOrDefault(step)?.MlNet is not { } saved)
        {
            return null;
        }

        using var stream = new MemoryStream(saved, writable: false);
        return mlContext.Model.Load(stream, out _);
    }

    /// <summary>The fits as JSON, to store with a run.</summary>
    public string ToJson() => JsonSerializer.Serialize(_steps);

    /// <summary>Reads fits that <see cref="ToJson"/> wrote.</summary>
    public static FittedPreprocessing FromJson(string json)
    {
        var fitted = new FittedPreprocessing();
        foreach (var (step, stored) in JsonSerializer.Deserialize<Dictionary<int, StoredStep>>(json) ?? [])
        {
            fitted._steps[step] = stored;
        }

        return fitted;
    }

    internal void AddBlockFit(int step, JsonNode fit) => _steps[step] = new StoredStep { Block = fit };

    internal void AddTransformer(MLContext mlContext, int step, ITransformer transformer, DataViewSchema inputSchema)
    {
        // ML.NET's own format, so that a stock transformer's learned parameters load exactly as they were fitted.
        using var stream = new MemoryStream();
        mlContext.Model.Save(transformer, inputSchema, stream);
        _steps[step] = new StoredStep { MlNet = stream.ToArray() };
    }

    private sealed class StoredStep
    {
        public JsonNode? Block { get; init; }

        public byte[]? MlNet { get; init; }
    }
}
