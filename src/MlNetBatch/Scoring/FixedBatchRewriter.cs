using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetBatch.Scoring.Tensors;
using Onnx;

namespace MlNetBatch.Scoring;

/// <summary>
/// Gives a model whose shapes fix the batch (often to 1, as exported image models do) an open batch dimension, so a
/// batch of rows is one run instead of one run per row. The copy is used only if it loads and a batch of two equals
/// two single runs; otherwise the model keeps its fixed batch and is run repeatedly.
/// </summary>
/// <remarks>
/// OnnxSharp's <c>SetDim</c> (on the copy <see cref="OpenBatchCopy"/> makes) sets the leading dimension of the inputs,
/// outputs, value infos and constant <c>Reshape</c> shapes to a symbolic <c>N</c>. Graphs that bake the batch into
/// other operators (a <c>Constant</c> shape, an <c>Expand</c>) fail the check and stay as they are.
/// </remarks>
internal static class FixedBatchRewriter
{
    /// <summary>Values compared between the batched and the single runs may differ by this much relative to their size (kernels may sum in another order).</summary>
    private const float Tolerance = 1e-4f;

    /// <summary>
    /// A session over the rewritten model, or null when the model cannot be rewritten or the copy scores differently.
    /// <paramref name="inputs"/> and <paramref name="outputs"/> are the original model's, read from a session over it.
    /// </summary>
    public static InferenceSession? TryRewrite(
        byte[] model, string name, ScoreOnnxOptions options, ILogger logger, IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<OnnxTensorSpec> outputs)
    {
        if (inputs.Any(i => !i.HasFixedRowShape || i.ElementType == TensorElementType.String || i.Dimensions[0] != 1)
            || outputs.Any(o => o.ElementType == TensorElementType.String))
        {
            logger.LogInformation("Model {Model} has a fixed batch; its inputs cannot be checked automatically, so each batch is scored a row at a time", name);
            return null;
        }

        var session = TryCreateRewritten(model, name, options, logger, out _);
        if (session is null)
        {
            return null;
        }

        if (ScoresLikeOriginal(session, name, logger, inputs, outputs))
        {
            return session;
        }

        session.Dispose();
        return null;
    }

    /// <summary>
    /// A session over a copy of <paramref name="model"/> with an open batch dimension, not yet checked (see
    /// <see cref="ScoresLikeOriginal"/>); null, logged, when the copy cannot be made or loaded. Used first when the
    /// graph itself says the batch is fixed at 1 (<see cref="OnnxGraphScan.FixesBatchAtOne"/>), so that a model
    /// the copy serves is loaded once rather than twice.
    /// </summary>
    public static InferenceSession? TryCreateRewritten(byte[] model, string name, ScoreOnnxOptions options, ILogger logger, out OnnxDevice device)
    {
        device = options.Device;
        try
        {
            return OnnxSessionFactory.Create(OpenBatchCopy.Create(model), name, options, logger, out device);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or OnnxRuntimeException or OnnxModelException or InvalidOperationException or ArgumentException)
        {
            LogUnopenable(logger, name, e);
            return null;
        }
    }

    /// <summary>
    /// Whether the rewritten model in <paramref name="session"/> scores a batch of two as two single runs; logs the
    /// outcome. <paramref name="inputs"/> and <paramref name="outputs"/> may be the original's or the copy's specs
    /// (the batch dimension is set per run); the copy must take non-string inputs of a fixed row shape.
    /// </summary>
    public static bool ScoresLikeOriginal(InferenceSession session, string name, ILogger logger, IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<OnnxTensorSpec> outputs)
    {
        if (inputs.Count == 0 || inputs.Any(i => !i.HasFixedRowShape || i.ElementType == TensorElementType.String)
            || outputs.Any(o => o.ElementType == TensorElementType.String))
        {
            logger.LogInformation("Model {Model} has a fixed batch; its inputs cannot be checked automatically, so each batch is scored a row at a time", name);
            return false;
        }

        string reason;
        try
        {
            if (ScoresAlike(session, inputs, outputs, out reason))
            {
                logger.LogInformation("Model {Model} fixes its batch at 1; scoring a copy with an open batch dimension, checked to score like the original", name);
                return true;
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or OnnxModelException or InvalidOperationException or ArgumentException)
        {
            LogUnopenable(logger, name, e);
            return false;
        }

        logger.LogInformation("Model {Model} fixes its batch at 1 and a copy with an open batch dimension scores differently ({Reason}); each batch is scored a row at a time", name, reason);
        return false;
    }

    private static void LogUnopenable(ILogger logger, string name, Exception e) =>
        logger.LogInformation("Model {Model} fixes its batch at 1 and cannot be given an open batch dimension ({Reason}); each batch is scored a row at a time", name, e.Message);

    /// <summary>Runs two rows together and each alone, and compares the outputs.</summary>
    private static bool ScoresAlike(InferenceSession session, IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<OnnxTensorSpec> outputs, out string reason)
    {
        var batch = inputs.Select(SampleRows).ToArray();
        var outputNames = outputs.Select(o => o.Name).ToArray();
        var together = Run(session, inputs, batch, 0, 2, outputNames);
        var first = Run(session, inputs, batch, 0, 1, outputNames);
        var second = Run(session, inputs, batch, 1, 1, outputNames);
        for (var o = 0; o < outputNames.Length; o++)
        {
            var single = first[o].Concat(second[o]).ToArray();
            if (single.Length != together[o].Length)
            {
                reason = $"output '{outputNames[o]}' has {together[o].Length} values for two rows instead of {single.Length}";
                return false;
            }

            for (var i = 0; i < single.Length; i++)
            {
                if (!(Math.Abs(single[i] - together[o][i]) <= Tolerance * Math.Max(1, Math.Abs(single[i]))))
                {
                    reason = $"output '{outputNames[o]}' value {i} is {together[o][i]} batched but {single[i]} alone";
                    return false;
                }
            }
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Two rows of varied, deterministic values: small non-negative numbers, so index inputs stay in range.</summary>
    private static Array SampleRows(OnnxTensorSpec spec)
    {
        var random = new Random(17);
        if (spec.ItemType.RawType == typeof(float))
        {
            // Image models take hundreds of thousands of values a row: filled directly, not through Array.SetValue.
            var floats = new float[2 * spec.RowSize];
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = (float)random.NextDouble();
            }

            return floats;
        }

        var values = Array.CreateInstance(spec.ItemType.RawType, 2 * spec.RowSize);
        for (var i = 0; i < values.Length; i++)
        {
            var sample = random.NextDouble();
            values.SetValue(spec.ItemType.RawType == typeof(bool) ? sample > 0.5 : Convert.ChangeType(spec.ItemType.RawType == typeof(float) || spec.ItemType.RawType == typeof(double) ? sample : Math.Floor(sample * 2), spec.ItemType.RawType, System.Globalization.CultureInfo.InvariantCulture), i);
        }

        return values;
    }

    private static double[][] Run(InferenceSession session, IReadOnlyList<OnnxTensorSpec> inputs, Array[] rows, int start, int count, string[] outputNames)
    {
        var values = new OrtValue[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                var staged = inputs[i].ElementType is TensorElementType.Float16 or TensorElementType.BFloat16
                    ? Narrowed(inputs[i], (float[])rows[i])
                    : rows[i];
                values[i] = OrtTensors.Over(staged, start * inputs[i].RowSize, count * inputs[i].RowSize, inputs[i].RunShape(count));
            }

            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, outputNames);
            return results.Select(OrtOutputValues.AsDoubles).ToArray();
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    private static Array Narrowed(OnnxTensorSpec spec, float[] values)
    {
        var narrowed = Array.CreateInstance(OnnxElementTypes.TensorClrType(spec.ElementType, spec.ItemType), values.Length);
        HalfPrecision.Narrow(values, narrowed);
        return narrowed;
    }
}
