using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring;

/// <summary>Reads a model's inputs or outputs from ONNX Runtime's metadata into <see cref="OnnxTensorSpec"/>s, before any data is bound.</summary>
internal static class OnnxTensorSpecReader
{
    /// <summary>
    /// The specs of <paramref name="metadata"/>'s tensors, named after their columns in <paramref name="columnNames"/>;
    /// with <paramref name="selectListed"/>, only the listed ones.
    /// </summary>
    public static List<OnnxTensorSpec> Read(
        IReadOnlyDictionary<string, NodeMetadata> metadata, Dictionary<string, string> columnNames, string model, string role, bool selectListed)
    {
        foreach (var listed in columnNames.Keys)
        {
            if (!metadata.ContainsKey(listed))
            {
                throw new OnnxModelException($"Model '{model}' has no {role} named '{listed}' (it has: {string.Join(", ", metadata.Keys)}).");
            }
        }

        var specs = new List<OnnxTensorSpec>();
        foreach (var (name, node) in metadata)
        {
            if (selectListed && !columnNames.ContainsKey(name))
            {
                continue;
            }

            if (!node.IsTensor)
            {
                throw new OnnxModelException($"Model '{model}': {role} '{name}' is not a tensor (maps and sequences are not supported).");
            }

            var itemType = OnnxElementTypes.ItemType(node.ElementDataType)
                ?? throw new OnnxModelException(
                    $"Model '{model}': {role} '{name}' has element type {OnnxElementTypes.Name(node.ElementDataType)}, which MlNetBatch does not support ({OnnxElementTypes.Supported}).");
            // A rank-0 tensor is one value per run: a fixed batch of one.
            var dims = node.Dimensions.Length == 0 ? [1] : node.Dimensions.ToArray();
            var names = new string?[dims.Length];
            for (var d = 0; d < dims.Length; d++)
            {
                var symbol = d < node.SymbolicDimensions.Length ? node.SymbolicDimensions[d] : null;
                names[d] = dims[d] > 0 || string.IsNullOrEmpty(symbol) ? null : symbol;
                dims[d] = dims[d] > 0 ? dims[d] : -1;
            }

            specs.Add(new OnnxTensorSpec(name, columnNames.GetValueOrDefault(name, name), itemType, dims, KnownRowSize(dims))
            {
                ElementType = node.ElementDataType,
                DimensionNames = names,
            });
        }

        return specs;
    }

    /// <summary>The product of the dimensions after the batch, counting unknown ones as 1.</summary>
    public static int KnownRowSize(ReadOnlySpan<int> dims)
    {
        var size = 1;
        for (var d = 1; d < dims.Length; d++)
        {
            size = checked(size * Math.Max(1, dims[d]));
        }

        return size;
    }
}
