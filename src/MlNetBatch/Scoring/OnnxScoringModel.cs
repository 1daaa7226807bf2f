using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data;

namespace MlNetBatch.Scoring;

/// <summary>
/// A loaded ONNX model with its inputs and outputs resolved to columns and checked against the model's metadata.
/// One session serves every cursor: ONNX Runtime's <c>Run</c> is safe to call concurrently.
/// </summary>
public sealed class OnnxScoringModel : IDisposable
{
    private OnnxScoringModel(string name, byte[] bytes, InferenceSession session, OnnxDevice device, ScoreOnnxOptions options,
        IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<OnnxTensorSpec> outputs, int? fixedBatchSize)
    {
        Name = name;
        Bytes = bytes;
        Session = session;
        Device = device;
        Options = options;
        Inputs = inputs;
        Outputs = outputs;
        FixedBatchSize = fixedBatchSize;
    }

    /// <summary>The model's file name (or another label), for messages.</summary>
    public string Name { get; }

    /// <summary>The model bytes, kept for saving.</summary>
    public byte[] Bytes { get; }

    /// <summary>The ONNX Runtime session.</summary>
    public InferenceSession Session { get; }

    /// <summary>The device the session runs on after any fallback.</summary>
    public OnnxDevice Device { get; }

    /// <summary>The options the model was loaded with.</summary>
    public ScoreOnnxOptions Options { get; }

    /// <summary>The model inputs, each bound to a column.</summary>
    public IReadOnlyList<OnnxTensorSpec> Inputs { get; }

    /// <summary>The model outputs that become columns.</summary>
    public IReadOnlyList<OnnxTensorSpec> Outputs { get; }

    /// <summary>The batch size the model's shapes fix, if they fix one (for example 1).</summary>
    public int? FixedBatchSize { get; }

    /// <summary>Rows per batch: <see cref="ScoreOnnxOptions.BatchSize"/>, or when that is 0 a size chosen from the model's inputs.</summary>
    public int BatchSize => Options.BatchSize > 0 ? Options.BatchSize : AutomaticBatchSize(Inputs);

    private static int AutomaticBatchSize(IReadOnlyList<OnnxTensorSpec> inputs)
    {
        long bytesPerRow = 0;
        foreach (var input in inputs)
        {
            bytesPerRow += (long)input.RowSize * System.Runtime.InteropServices.Marshal.SizeOf(input.ItemType.RawType == typeof(bool) ? typeof(byte) : input.ItemType.RawType);
        }

        var rows = ScoreOnnxDefaults.AutoBatchBytes / Math.Max(1, bytesPerRow);
        // A power of two keeps batches aligned with the sizes kernels are tuned for.
        var size = (int)Math.Clamp(rows, 1, ScoreOnnxDefaults.MaxAutoBatchSize);
        return 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)size));
    }

    /// <summary>Loads the model at <see cref="ScoreOnnxOptions.ModelPath"/>.</summary>
    public static OnnxScoringModel Load(ScoreOnnxOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            throw new OnnxModelException("No model path is set.");
        }

        if (!File.Exists(options.ModelPath))
        {
            throw new OnnxModelException($"Model file '{options.ModelPath}' does not exist.");
        }

        return Load(File.ReadAllBytes(options.ModelPath), Path.GetFileName(options.ModelPath), options, logger);
    }

    /// <summary>Loads a model from its bytes.</summary>
    public static OnnxScoringModel Load(byte[] model, string name, ScoreOnnxOptions options, ILogger? logger = null)
    {
        ScoreOnnxOptionsValidator.ThrowIfInvalid(options);
        var session = OnnxSessionFactory.Create(model, name, options, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, out var device);
        try
        {
            var inputs = Describe(session.InputMetadata, options.InputColumns, name, "input", selectListed: false);
            foreach (var (input, columns) in options.ConcatenatedInputs)
            {
                var index = inputs.FindIndex(i => i.Name == input);
                if (index < 0)
                {
                    throw new OnnxModelException($"Model '{name}' has no input named '{input}' (it has: {string.Join(", ", inputs.Select(i => i.Name))}).");
                }

                inputs[index] = inputs[index] with { ColumnName = string.Join("+", columns), ConcatenatedColumns = columns.ToArray() };
            }

            var outputs = Describe(session.OutputMetadata, options.OutputColumns, name, "output", selectListed: options.OutputColumns.Count > 0);
            int? fixedBatch = null;
            foreach (var input in inputs)
            {
                var leading = input.Dimensions[0];
                if (leading > 0)
                {
                    if (fixedBatch is { } other && other != leading)
                    {
                        throw new OnnxModelException($"Model '{name}': inputs disagree on the batch dimension ({other} and {leading}).");
                    }

                    fixedBatch = leading;
                }
            }

            return new OnnxScoringModel(name, model, session, device, options, inputs, outputs, fixedBatch);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks that every input's column exists in <paramref name="schema"/> with the type the model expects;
    /// throws an <see cref="OnnxModelException"/> listing every mismatch.
    /// </summary>
    public void CheckInputs(DataViewSchema schema)
    {
        var problems = new List<string>();
        foreach (var input in Inputs)
        {
            var total = 0;
            var described = new List<string>();
            foreach (var name in input.SourceColumns)
            {
                var column = schema.GetColumnOrNull(name);
                if (column is null)
                {
                    problems.Add($"input '{input.Name}' {input.Shape} needs column '{name}', which the data does not have (it has: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}). Map it with InputColumns.");
                    total = -1;
                    break;
                }

                var type = column.Value.Type;
                var itemType = type is VectorDataViewType vector ? vector.ItemType : type;
                var size = type is VectorDataViewType v ? v.Size : 1;
                if (itemType != input.ItemType || size == 0)
                {
                    problems.Add($"input '{input.Name}' holds {ColumnTypeNames.Format(input.ItemType)} items but column '{name}' is {ColumnTypeNames.Format(type)}.");
                    total = -1;
                    break;
                }

                total += size;
                described.Add($"'{name}' ({ColumnTypeNames.Format(type)})");
            }

            if (total >= 0 && total != input.RowSize)
            {
                problems.Add($"input '{input.Name}' expects {input.RowTypeName} per row (shape {input.Shape}) but {(input.ConcatenatedColumns is null ? "column" : "columns")} {string.Join(" + ", described)} give {total} values.");
            }
        }

        if (problems.Count > 0)
        {
            throw new OnnxModelException($"Model '{Name}' does not fit the data: " + string.Join(" ", problems));
        }
    }

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();

    private static List<OnnxTensorSpec> Describe(
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

            var itemType = ItemType(node.ElementType)
                ?? throw new OnnxModelException($"Model '{model}': {role} '{name}' has element type {node.ElementType.Name}, which MlNetBatch does not support (float, double, int32, int64, bool).");
            var dims = node.Dimensions.Length == 0 ? [1] : node.Dimensions.ToArray();
            var rowSize = 1;
            for (var d = 1; d < dims.Length; d++)
            {
                if (dims[d] <= 0)
                {
                    throw new OnnxModelException($"Model '{model}': dimension {d} of {role} '{name}' is dynamic; only the first (batch) dimension may be.");
                }

                rowSize *= dims[d];
            }

            specs.Add(new OnnxTensorSpec(name, columnNames.GetValueOrDefault(name, name), itemType, dims, rowSize));
        }

        return specs;
    }

    private static PrimitiveDataViewType? ItemType(Type elementType) => elementType switch
    {
        _ when elementType == typeof(float) => NumberDataViewType.Single,
        _ when elementType == typeof(double) => NumberDataViewType.Double,
        _ when elementType == typeof(long) => NumberDataViewType.Int64,
        _ when elementType == typeof(int) => NumberDataViewType.Int32,
        _ when elementType == typeof(bool) => BooleanDataViewType.Instance,
        _ => null,
    };
}
