using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring.Functions;

/// <summary>
/// The rows of one call of an <see cref="IBatchModel"/>: its input columns to read and its output columns to fill,
/// both by the model's own column names, rows <c>0 … RowCount-1</c>. The buffers are reused from call to call.
/// </summary>
/// <remarks>
/// Input buffers must not be written. Output buffers are not thread-safe (text is copied into an arena per block):
/// a model that scores rows in parallel sets each output from one thread at a time.
/// </remarks>
public sealed class ModelBatch
{
    private readonly RecordBatch _block;
    private readonly IReadOnlyDictionary<string, int> _inputs;
    private readonly IReadOnlyDictionary<string, int> _outputs;
    private readonly List<(int Row, string Reason)> _failures = [];

    internal ModelBatch(RecordBatch block, IReadOnlyDictionary<string, int> inputs, IReadOnlyDictionary<string, int> outputs)
    {
        _block = block;
        _inputs = inputs;
        _outputs = outputs;
    }

    /// <summary>The rows in this call.</summary>
    public int RowCount => _block.RowCount;

    /// <summary>
    /// The buffer of input column <paramref name="name"/>: a <see cref="ScalarColumnBuffer{T}"/>,
    /// <see cref="TextColumnBuffer"/>, <see cref="VectorColumnBuffer{T}"/> (known size) or
    /// <see cref="VariableVectorColumnBuffer{T}"/> (unknown size), as its declared type says.
    /// </summary>
    public TBuffer Input<TBuffer>(string name) where TBuffer : ColumnBuffer => Buffer<TBuffer>(_inputs, name, "input");

    /// <summary>The buffer of output column <paramref name="name"/>, sized for <see cref="RowCount"/> rows; see <see cref="Input{TBuffer}"/> for the buffer types.</summary>
    public TBuffer Output<TBuffer>(string name) where TBuffer : ColumnBuffer => Buffer<TBuffer>(_outputs, name, "output");

    /// <summary>Sets row <paramref name="row"/> aside as a bad record: it is quarantined with its path and row number, and not written.</summary>
    public void Fail(int row, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (_failures)
        {
            _failures.Add((row, reason));
        }
    }

    /// <summary>The rows failed so far, in the order reported.</summary>
    internal List<(int Row, string Reason)> Failures => _failures;

    internal RecordBatch Block => _block;

    private TBuffer Buffer<TBuffer>(IReadOnlyDictionary<string, int> columns, string name, string kind) where TBuffer : ColumnBuffer
    {
        if (!columns.TryGetValue(name, out var index))
        {
            throw new ArgumentException($"The model declares no {kind} column '{name}' (its {kind}s: {string.Join(", ", columns.Keys)}).", nameof(name));
        }

        return _block.Columns[index] as TBuffer
            ?? throw new InvalidOperationException($"The {kind} column '{name}' is held in a {_block.Columns[index]!.GetType().Name}, not a {typeof(TBuffer).Name}.");
    }
}
