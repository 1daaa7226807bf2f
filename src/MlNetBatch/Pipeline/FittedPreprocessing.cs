using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;

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

    // Fits of a build are saved only when asked for (a cluster planner storing them): a local run never pays for
    // turning a large vocabulary into JSON.
    private readonly SortedDictionary<int, Func<StoredStep?>> _unsaved = [];

    /// <summary>Whether no step learned anything.</summary>
    public bool IsEmpty => Steps.Count == 0;

    private SortedDictionary<int, StoredStep> Steps
    {
        get
        {
            foreach (var (step, save) in _unsaved)
            {
                if (save() is { } saved)
                {
                    _steps[step] = saved;
                }
            }

            _unsaved.Clear();
            return _steps;
        }
    }

    /// <summary>The block stage fit stored for step <paramref name="step"/>, or null.</summary>
    public JsonNode? BlockFit(int step) => Steps.GetValueOrDefault(step)?.Block?.DeepClone();

    /// <summary>The stock ML.NET transformer stored for step <paramref name="step"/>, loaded; null when none is.</summary>
    public ITransformer? LoadTransformer(MLContext mlContext, int step)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        if (Steps.GetValueOrDefault(step)?.MlNet is not { } saved)
        {
            return null;
        }

        using var stream = new MemoryStream(saved, writable: false);
        return mlContext.Model.Load(stream, out _);
    }

    /// <summary>The fits as JSON, to store with a run.</summary>
    public string ToJson() => JsonSerializer.Serialize(Steps);

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

    internal void AddBlockFit(int step, IFittedBlockTransform fitted) =>
        _unsaved[step] = () => fitted.SaveFit() is { } fit ? new StoredStep { Block = fit } : null;

    internal void AddTransformer(MLContext mlContext, int step, ITransformer transformer, DataViewSchema inputSchema) =>
        _unsaved[step] = () =>
        {
            // ML.NET's own format, so that a stock transformer's learned parameters load exactly as they were fitted.
            using var stream = new MemoryStream();
            mlContext.Model.Save(transformer, inputSchema, stream);
            return new StoredStep { MlNet = stream.ToArray() };
        };

    private sealed class StoredStep
    {
        public JsonNode? Block { get; init; }

        public byte[]? MlNet { get; init; }
    }
}
