using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// Binds a model's declared tensors to the columns of a data schema, resolving the dimensions the model leaves open:
/// <list type="bullet">
/// <item>A fixed-size vector column gives them: its dimensions one for one (a <c>float[3,224,224]</c> column fills
/// <c>[batch,3,H,W]</c>), or, for a single open dimension, its size divided by the known ones.</item>
/// <item>A column of varying length fills a tensor whose one open dimension is the first after the batch; each batch is
/// padded with zeros to its longest row (<see cref="TensorLayout.Padded"/>).</item>
/// <item>An input the data has no column for, whose name ends in <c>mask</c>, becomes the mask of a padded input.</item>
/// <item>An output dimension named like a resolved input dimension takes its size; any other open output dimension makes
/// the output a vector of variable length.</item>
/// </list>
/// </summary>
internal static class TensorSchemaBinder
{
    /// <summary>Binds the tensors; every problem found is added to <paramref name="problems"/>.</summary>
    public static (List<OnnxTensorSpec> Inputs, List<OnnxTensorSpec> Outputs) Bind(
        IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<OnnxTensorSpec> outputs, DataViewSchema schema, List<string> problems)
    {
        var known = new Dictionary<string, (int Size, string Input)>(StringComparer.Ordinal);
        var bound = new List<OnnxTensorSpec>();
        var masks = new List<int>();
        foreach (var input in inputs)
        {
            var spec = BindInput(input, schema, problems, out var isMask);
            if (isMask)
            {
                masks.Add(bound.Count);
            }

            bound.Add(spec);
            for (var d = 1; d < spec.Dimensions.Length; d++)
            {
                if (spec.DimensionNames.ElementAtOrDefault(d) is { } name && spec.Dimensions[d] > 0 && input.Dimensions[d] <= 0)
                {
                    if (known.TryGetValue(name, out var other) && other.Size != spec.Dimensions[d])
                    {
                        problems.Add($"dimension '{name}' is {other.Size} for input '{other.Input}' but {spec.Dimensions[d]} for input '{spec.Name}'.");
                    }

                    known[name] = (spec.Dimensions[d], spec.Name);
                }
            }
        }

        foreach (var index in masks)
        {
            bound[index] = BindMask(bound[index], bound, problems);
        }

        return (bound, outputs.Select(o => ResolveOutput(o, known)).ToList());
    }

    private static OnnxTensorSpec BindInput(OnnxTensorSpec input, DataViewSchema schema, List<string> problems, out bool isMask)
    {
        isMask = false;
        var columns = input.SourceColumns.Select(schema.GetColumnOrNull).ToList();
        if (input.ConcatenatedColumns is null && columns[0] is null && IsMaskName(input))
        {
            isMask = true;
            return input;
        }

        var total = 0;
        var described = new List<string>();
        foreach (var (name, column) in input.SourceColumns.Zip(columns))
        {
            if (column is null)
            {
                problems.Add($"input '{input.Name}' {input.Shape} needs column '{name}', which the data does not have (it has: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}). Map it with InputColumns.");
                return input;
            }

            var type = column.Value.Type;
            var itemType = type is VectorDataViewType vector ? vector.ItemType : type;
            if (itemType != input.ItemType)
            {
                problems.Add($"input '{input.Name}' holds {ColumnTypeNames.Format(input.ItemType)} items ({OnnxElementTypes.Name(input.ElementType)} in the model) but column '{name}' is {ColumnTypeNames.Format(type)}.");
                return input;
            }

            total += type is VectorDataViewType v ? v.Size : 1;
            described.Add($"'{name}' ({ColumnTypeNames.Format(type)})");
        }

        if (input.HasFixedRowShape)
        {
            if (total != input.RowSize)
            {
                problems.Add($"input '{input.Name}' expects {input.RowTypeName} per row (shape {input.Shape}) but {(input.ConcatenatedColumns is null ? "column" : "columns")} {string.Join(" + ", described)} give {(total == 0 ? "a varying number of" : total)} values.");
            }

            return input;
        }

        if (input.ConcatenatedColumns is not null)
        {
            problems.Add($"input '{input.Name}' {input.Shape} has dimensions the model leaves open, so it cannot be fed by several concatenated columns; give it one vector column.");
            return input;
        }

        return ResolveFromColumn(input, columns[0]!.Value, problems);
    }

    private static OnnxTensorSpec ResolveFromColumn(OnnxTensorSpec input, DataViewSchema.Column column, List<string> problems)
    {
        var dims = input.Dimensions;
        var open = Enumerable.Range(1, dims.Length - 1).Where(d => dims[d] <= 0).ToList();
        var vector = column.Type as VectorDataViewType;
        var size = vector?.Size ?? 1;
        var what = $"column '{column.Name}' ({ColumnTypeNames.Format(column.Type)})";
        if (size == 0)
        {
            if (open is not [1])
            {
                problems.Add($"input '{input.Name}' {input.Shape}: {what} varies in length, which can only fill a tensor whose one open dimension is the first after the batch ([batch,sequence] or [batch,sequence,hidden]).");
                return input;
            }

            return input with { Layout = TensorLayout.Padded, RowSize = 1, StepSize = OnnxTensorSpecReader.KnownRowSize(dims.AsSpan(1)) };
        }

        var resolved = (int[])dims.Clone();
        int[] columnDims = vector is null ? [] : [.. vector.Dimensions];
        if (columnDims.Length == dims.Length - 1 && Enumerable.Range(1, dims.Length - 1).All(d => dims[d] <= 0 || dims[d] == columnDims[d - 1]))
        {
            // The column's dimensions line up with the tensor's: take the open ones from it.
            open.ForEach(d => resolved[d] = columnDims[d - 1]);
        }
        else if (open.Count == 1 && size % input.RowSize == 0)
        {
            resolved[open[0]] = size / input.RowSize;
        }
        else
        {
            problems.Add($"input '{input.Name}' {input.Shape}: {what} does not give the open dimensions {string.Join(", ", open.Select(d => input.DimensionNames.ElementAtOrDefault(d) ?? $"#{d}"))}; give the column dimensions matching the shape (for example a VectorDataViewType with dimensions 3, 224, 224 for [batch,3,H,W]).");
            return input;
        }

        return input with { Dimensions = resolved, RowSize = OnnxTensorSpecReader.KnownRowSize(resolved) };
    }

    private static bool IsMaskName(OnnxTensorSpec input) =>
        input.Name.EndsWith("mask", StringComparison.OrdinalIgnoreCase) && input.Dimensions.Length == 2 && input.Dimensions[1] <= 0;

    private static OnnxTensorSpec BindMask(OnnxTensorSpec mask, List<OnnxTensorSpec> inputs, List<string> problems)
    {
        var padded = inputs.Where(i => i.Layout == TensorLayout.Padded).ToList();
        var follows = padded.FirstOrDefault(p => p.DimensionNames.ElementAtOrDefault(1) == mask.DimensionNames.ElementAtOrDefault(1)) ?? padded.FirstOrDefault();
        if (follows is null)
        {
            problems.Add($"input '{mask.Name}' {mask.Shape} has no column in the data; MlNetBatch fills a mask only beside an input fed by a column of varying length (token ids). Map it with InputColumns.");
            return mask;
        }

        if (mask.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Float or TensorElementType.Bool))
        {
            problems.Add($"input '{mask.Name}' is a mask of {OnnxElementTypes.Name(mask.ElementType)}; MlNetBatch fills masks of int64, int32, float or bool.");
            return mask;
        }

        return mask with { Layout = TensorLayout.Mask, MaskOf = follows.Name, RowSize = 0 };
    }

    private static OnnxTensorSpec ResolveOutput(OnnxTensorSpec output, Dictionary<string, (int Size, string Input)> known)
    {
        var resolved = (int[])output.Dimensions.Clone();
        for (var d = 1; d < resolved.Length; d++)
        {
            if (resolved[d] <= 0 && output.DimensionNames.ElementAtOrDefault(d) is { } name && known.TryGetValue(name, out var size))
            {
                resolved[d] = size.Size;
            }
        }

        return output with { Dimensions = resolved, RowSize = OnnxTensorSpecReader.KnownRowSize(resolved) };
    }
}
