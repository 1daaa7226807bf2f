using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring;

/// <summary>
/// A loaded ONNX model with its inputs and outputs resolved to columns and checked against the model's metadata.
/// One session serves every cursor: ONNX Runtime's <c>Run</c> is safe to call concurrently.
/// </summary>
/// <remarks>
/// Dimensions the model leaves open (other than the batch) are resolved by the first schema the model is checked
/// against (see <see cref="TensorSchemaBinder"/>); a later schema must resolve them the same way.
/// </remarks>
public sealed class OnnxScoringModel : IDisposable
{
    private readonly Lock _bindLock = new();
    private readonly IReadOnlyList<OnnxTensorSpec> _declaredInputs;
    private readonly IReadOnlyList<OnnxTensorSpec> _declaredOutputs;
    private bool _bound;

    private bool _sessionHandedOver;

    private OnnxScoringModel(string name, byte[] bytes, InferenceSession session, OnnxDevice device, ScoreOnnxOptions options,
        IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<OnnxTensorSpec> outputs, int? fixedBatchSize)
    {
        Name = name;
        Bytes = bytes;
        Session = session;
        Device = device;
        Options = options;
        Inputs = _declaredInputs = inputs;
        Outputs = _declaredOutputs = outputs;
        FixedBatchSize = fixedBatchSize;
    }

    /// <summary>The model's file name (or another label), for messages.</summary>
    public string Name { get; }

    /// <summary>The model bytes as loaded (before any batch rewrite), kept for saving.</summary>
    public byte[] Bytes { get; }

    /// <summary>The ONNX Runtime session.</summary>
    public InferenceSession Session { get; }

    /// <summary>The device the session runs on after any fallback.</summary>
    public OnnxDevice Device { get; }

    /// <summary>The options the model was loaded with.</summary>
    public ScoreOnnxOptions Options { get; }

    /// <summary>The model inputs, each bound to a column; open dimensions resolved once a schema was checked.</summary>
    public IReadOnlyList<OnnxTensorSpec> Inputs { get; private set; }

    /// <summary>The model outputs that become columns.</summary>
    public IReadOnlyList<OnnxTensorSpec> Outputs { get; private set; }

    /// <summary>
    /// The batch size the model's shapes fix, if they fix one (for example 1) and the model could not be rewritten
    /// with an open batch dimension (see <see cref="FixedBatchRewriter"/>).
    /// </summary>
    public int? FixedBatchSize { get; }

    /// <summary>
    /// Rows per batch: <see cref="ScoreOnnxOptions.BatchSize"/>, or when that is 0 a size chosen from the model's inputs
    /// (larger on a GPU, where runs within the batch are then sized by measuring).
    /// </summary>
    public int BatchSize => Options.BatchSize > 0 ? Options.BatchSize : AutomaticBatchSize(Inputs, Device == OnnxDevice.Cuda ? ScoreOnnxDefaults.GpuAutoBatchBytes : ScoreOnnxDefaults.AutoBatchBytes);

    /// <summary>Makes each cursor its scoring backend, and holds what they share on the device.</summary>
    /// <remarks>Settable so that tests can drive a CPU session the way a GPU one is driven.</remarks>
    internal Backends.ScoringBackendFactory Backends { get; set; } = null!;

    private static int AutomaticBatchSize(IReadOnlyList<OnnxTensorSpec> inputs, int batchBytes)
    {
        long bytesPerRow = 0;
        foreach (var input in inputs)
        {
            // Strings and padded rows count as pointers; their text or tokens are not known before the data is read.
            var itemBytes = input.Layout == TensorLayout.Dense ? Data.ItemSizes.Of(input.ItemType.RawType, otherwise: IntPtr.Size) : IntPtr.Size;
            bytesPerRow += (long)input.RowSize * itemBytes;
        }

        var rows = batchBytes / Math.Max(1, bytesPerRow);
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
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var rewriteFixedBatch = true;
        // Bytes the scan cannot follow are left to the session, which says what is wrong with them.
        if (OnnxGraphScan.TryRead(model, out var declared, out var declaredOutputs) && OnnxGraphScan.FixesBatchAtOne(declared, declaredOutputs))
        {
            // The graph fixes the batch at 1: load only the copy with an open batch dimension, and the original only if
            // the copy fails its check. (Loading the original first, to learn its shapes, built a second session:
            // about a second of processor time for ResNet18.)
            if (TryLoadRewritten(model, declared, name, options, logger) is { } rewritten)
            {
                return rewritten;
            }

            rewriteFixedBatch = false;
        }

        var session = OnnxSessionFactory.Create(model, name, options, logger, out var device);
        OnnxScoringModel loaded;
        try
        {
            loaded = Bind(name, model, session, device, options, logger, rewriteFixedBatch);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        if (!ReferenceEquals(loaded.Session, session))
        {
            // The model runs on the session rewritten with an open batch dimension; the first one is no longer needed.
            session.Dispose();
        }

        return loaded;
    }

    /// <summary>
    /// The model on a copy with an open batch dimension, for a graph that fixes the batch of every input at 1; null
    /// (logged) when the copy cannot be loaded, does not list the inputs the graph does, or scores differently.
    /// </summary>
    private static OnnxScoringModel? TryLoadRewritten(byte[] model, IReadOnlyList<Onnx.ValueInfoProto> declared, string name, ScoreOnnxOptions options, ILogger logger)
    {
        var session = FixedBatchRewriter.TryCreateRewritten(model, name, options, logger, out var device);
        if (session is null)
        {
            return null;
        }

        try
        {
            var (inputs, outputs) = ReadSpecs(name, session, options);
            var opened = inputs.Count == declared.Count
                && inputs.All(i => i.Dimensions.Length > 0 && i.Dimensions[0] <= 0 && declared.Any(d => d.Name == i.Name));
            if (opened && FixedBatchRewriter.ScoresLikeOriginal(session, name, logger, inputs, outputs))
            {
                var loaded = new OnnxScoringModel(name, model, session, device, options, OpenBatch(inputs), OpenBatch(outputs), fixedBatchSize: null);
                loaded.Backends = Scoring.Backends.ScoringBackendFactory.For(loaded, logger);
                return loaded;
            }

            if (!opened)
            {
                logger.LogInformation("Model {Model} fixes its batch at 1, but a copy with an open batch dimension does not list the same inputs; each batch is scored a row at a time", name);
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }

        session.Dispose();
        return null;
    }

    /// <summary>
    /// The same model and session with the columns <paramref name="options"/> binds (its session settings are this
    /// model's): a job folding a <c>Concatenate</c> into the model's input rebinds the model it loaded instead of
    /// loading it, and rewriting a fixed batch, again. The session passes to the new model; dispose this one as usual.
    /// </summary>
    internal OnnxScoringModel Rebind(ScoreOnnxOptions options, ILogger? logger = null)
    {
        ScoreOnnxOptionsValidator.ThrowIfInvalid(options);
        var rebound = Bind(Name, Bytes, Session, Device, options, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, rewriteFixedBatch: false);
        _sessionHandedOver = true;
        return rebound;
    }

    private static OnnxScoringModel Bind(
        string name, byte[] model, InferenceSession session, OnnxDevice device, ScoreOnnxOptions options, ILogger logger, bool rewriteFixedBatch)
    {
        var original = session;
        var (inputs, outputs) = ReadSpecs(name, session, options);
        var fixedBatch = FixedBatch(inputs, name);
        if (rewriteFixedBatch && fixedBatch is not null && FixedBatchRewriter.TryRewrite(model, name, options, logger, inputs, outputs) is { } rewritten)
        {
            session = rewritten;
            fixedBatch = null;
            inputs = OpenBatch(inputs);
            outputs = OpenBatch(outputs);
        }

        try
        {
            var loaded = new OnnxScoringModel(name, model, session, device, options, inputs, outputs, fixedBatch);
            loaded.Backends = Scoring.Backends.ScoringBackendFactory.For(loaded, logger);
            return loaded;
        }
        catch when (!ReferenceEquals(session, original))
        {
            // The rewritten session is this method's own; the caller disposes only the one it passed in.
            session.Dispose();
            throw;
        }
    }

    /// <summary>The session's inputs bound to columns (concatenated inputs included) and its outputs.</summary>
    private static (List<OnnxTensorSpec> Inputs, List<OnnxTensorSpec> Outputs) ReadSpecs(string name, InferenceSession session, ScoreOnnxOptions options)
    {
        var inputs = OnnxTensorSpecReader.Read(session.InputMetadata, options.InputColumns, name, "input", selectListed: false);
        foreach (var (input, columns) in options.ConcatenatedInputs)
        {
            var index = inputs.FindIndex(i => i.Name == input);
            if (index < 0)
            {
                throw new OnnxModelException($"Model '{name}' has no input named '{input}' (it has: {string.Join(", ", inputs.Select(i => i.Name))}).");
            }

            inputs[index] = inputs[index] with { ColumnName = string.Join("+", columns), ConcatenatedColumns = columns.ToArray() };
        }

        var outputs = OnnxTensorSpecReader.Read(session.OutputMetadata, options.OutputColumns, name, "output", selectListed: options.OutputColumns.Count > 0);
        return (inputs, outputs);
    }

    /// <summary>The specs with the batch dimension open, as the rewritten copy of a fixed-batch model takes them.</summary>
    private static List<OnnxTensorSpec> OpenBatch(List<OnnxTensorSpec> specs) =>
        specs.Select(s => s with
        {
            Dimensions = [-1, .. s.Dimensions.AsSpan(1)],
            DimensionNames = s.DimensionNames.Count == 0 ? s.DimensionNames : [null, .. s.DimensionNames.Skip(1)],
        }).ToList();

    private static int? FixedBatch(List<OnnxTensorSpec> inputs, string name)
    {
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

        return fixedBatch;
    }

    /// <summary>
    /// Checks that every input's column exists in <paramref name="schema"/> with the type the model expects, and
    /// resolves the dimensions the model leaves open from it; throws an <see cref="OnnxModelException"/> listing every
    /// mismatch.
    /// </summary>
    public void CheckInputs(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var problems = new List<string>();
        var (inputs, outputs) = TensorSchemaBinder.Bind(_declaredInputs, _declaredOutputs, schema, problems);
        if (problems.Count > 0)
        {
            throw new OnnxModelException($"Model '{Name}' does not fit the data: " + string.Join(" ", problems));
        }

        lock (_bindLock)
        {
            if (!_bound)
            {
                Inputs = inputs;
                Outputs = outputs;
                _bound = true;
                return;
            }

            for (var i = 0; i < inputs.Count; i++)
            {
                if (inputs[i].Layout != Inputs[i].Layout || !inputs[i].Dimensions.AsSpan().SequenceEqual(Inputs[i].Dimensions))
                {
                    throw new OnnxModelException(
                        $"Model '{Name}': input '{inputs[i].Name}' was bound as {Inputs[i].Shape} ({Inputs[i].DescribeColumns()}) and cannot also be {inputs[i].Shape} ({inputs[i].DescribeColumns()}); load the model again for data of another shape.");
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Backends first: a pinned allocator belongs to the session.
        Backends?.Dispose();
        if (!_sessionHandedOver)
        {
            Session.Dispose();
        }
    }
}
