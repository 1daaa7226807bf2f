using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace MlNetBatch.Scoring;

/// <summary>The <c>mlContext.Model.LoadBatched(...)</c> entry point.</summary>
public static class OnnxModelCatalogExtensions
{
    /// <summary>
    /// Loads a model saved with <c>MLContext.Model.Save</c> and replaces each of ML.NET's row-at-a-time ONNX
    /// transforms in it with batched scoring over the same ONNX model, giving identical outputs.
    /// </summary>
    /// <param name="catalog">The model catalog.</param>
    /// <param name="path">The saved model (a zip).</param>
    /// <param name="inputSchema">The schema the model was trained on.</param>
    /// <param name="options">Batch size, device and prefetch for the batched scorers; the model path and column maps are ignored.</param>
    public static ITransformer LoadBatched(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema, ScoreOnnxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var loaded = catalog.Load(path, out inputSchema);
        var onnxModels = ReadOnnxEntries(path);
        var next = 0;
        return Replace(loaded, inputSchema, onnxModels, ref next, options ?? new ScoreOnnxOptions());
    }

    private static ITransformer Replace(ITransformer transformer, DataViewSchema schema, IReadOnlyList<byte[]> onnxModels, ref int next, ScoreOnnxOptions options)
    {
        switch (transformer)
        {
            case TransformerChain<ITransformer> chain:
                var parts = new List<ITransformer>();
                foreach (var part in chain)
                {
                    var replaced = Replace(part, schema, onnxModels, ref next, options);
                    parts.Add(replaced);
                    schema = replaced.GetOutputSchema(schema);
                }

                return new TransformerChain<ITransformer>(parts.ToArray());
            case OnnxTransformer onnx:
                if (next >= onnxModels.Count)
                {
                    throw new OnnxModelException("The saved model holds more ONNX transforms than ONNX model entries; it cannot be loaded as batched scoring.");
                }

                var outputSchema = onnx.GetOutputSchema(schema);
                var scoreOptions = options.Clone();
                scoreOptions.InputColumns.Clear();
                scoreOptions.OutputColumns.Clear();
                for (var i = schema.Count; i < outputSchema.Count; i++)
                {
                    scoreOptions.OutputColumns[outputSchema[i].Name] = outputSchema[i].Name;
                }

                var model = OnnxScoringModel.Load(onnxModels[next++], "saved ONNX model", scoreOptions);
                return new ScoreOnnxTransformer(model, schema);
            default:
                return transformer;
        }
    }

    private static List<byte[]> ReadOnnxEntries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        // Entries are named after the transform's place in the chain (Transform_000, …), so ordinal order is chain order.
        return zip.Entries
            .Where(e => e.Name == "OnnxModel" || e.FullName.EndsWith("/OnnxModel", StringComparison.Ordinal) || e.FullName.EndsWith("\\OnnxModel", StringComparison.Ordinal))
            .OrderBy(e => e.FullName, StringComparer.Ordinal)
            .Select(e =>
            {
                using var stream = e.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.ToArray();
                // ML.NET writes the model as a byte array prefixed with its 32-bit length.
                var length = bytes.Length >= 4 ? BitConverter.ToInt32(bytes, 0) : -1;
                if (length != bytes.Length - 4)
                {
                    throw new OnnxModelException($"'{path}': the ONNX model entry '{e.FullName}' is not in the layout ML.NET writes.");
                }

                return bytes[4..];
            })
            .ToList();
    }
}
