using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Scoring;

/// <summary>
/// Runs the model over a filled slot, writing the outputs into the slot's columns in place. With a bad-record
/// sink, a batch the model fails on is split until the failing rows are found; they are reported and removed.
/// </summary>
internal sealed class BatchScorer : IDisposable
{
    private readonly OnnxScoringModel _model;
    private readonly int _firstOutputColumn;
    private readonly IBadRecordSink? _badRecords;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <param name="model">The model.</param>
    /// <param name="firstOutputColumn">The slot column of the model's first output; the others follow it.</param>
    /// <param name="badRecords">Where rows the model fails on go; when null, such a failure fails the batch.</param>
    public BatchScorer(OnnxScoringModel model, int firstOutputColumn, IBadRecordSink? badRecords)
    {
        _model = model;
        _firstOutputColumn = firstOutputColumn;
        _badRecords = badRecords;
        _inputNames = model.Inputs.Select(i => i.Name).ToArray();
        _outputNames = model.Outputs.Select(o => o.Name).ToArray();
    }

    /// <summary>Scores the slot's rows.</summary>
    public void Score(ScoringBatch slot)
    {
        var rows = slot.Rows.RowCount;
        var runRows = _model.FixedBatchSize ?? rows;
        List<(int Row, string Reason)>? failed = null;
        for (var start = 0; start < rows; start += runRows)
        {
            if (_model.FixedBatchSize is not null && start + runRows > rows)
            {
                // Pad the last run of a fixed-batch model with zeros; its extra output rows are never served.
                for (var i = 0; i < _model.Inputs.Count; i++)
                {
                    var size = _model.Inputs[i].RowSize;
                    Array.Clear(slot.InputTensors[i], rows * size, (start + runRows - rows) * size);
                }
            }

            try
            {
                Run(slot, start, runRows);
            }
            catch (OnnxRuntimeException e) when (_badRecords is not null && (_model.FixedBatchSize ?? 1) == 1)
            {
                failed ??= [];
                Isolate(slot, start, Math.Min(runRows, rows - start), failed, e.Message);
            }
            catch (OnnxRuntimeException e)
            {
                throw new OnnxModelException(
                    $"Model '{_model.Name}' failed on a batch of {runRows} rows: {e.Message}" +
                    (_badRecords is null ? " To set rows the model fails on aside in the quarantine, set Execution:MaxBadRecords or Execution:MaxBadRecordRatio." : string.Empty), e);
            }
        }

        if (failed is { Count: > 0 })
        {
            foreach (var (row, reason) in failed)
            {
                var id = slot.RowIds[row];
                _badRecords!.Report(new BadRecord(string.Empty, string.Empty, (long)id.Low, null, null, $"model '{_model.Name}' failed on this row: {reason}", null));
            }

            RemoveRows(slot, failed.Select(f => f.Row).ToHashSet());
        }
    }

    /// <inheritdoc />
    public void Dispose() => _runOptions.Dispose();

    /// <summary>
    /// Finds the rows a failing batch fails on by scoring halves of it, down to single rows; the rows that score
    /// get their outputs, the others are listed in <paramref name="failed"/>.
    /// </summary>
    private void Isolate(ScoringBatch slot, int start, int count, List<(int Row, string Reason)> failed, string reason)
    {
        if (count == 1)
        {
            failed.Add((start, reason));
            return;
        }

        var half = count / 2;
        foreach (var (from, length) in new[] { (start, half), (start + half, count - half) })
        {
            try
            {
                Run(slot, from, length);
            }
            catch (OnnxRuntimeException e)
            {
                Isolate(slot, from, length, failed, e.Message);
            }
        }
    }

    /// <summary>Drops rows from a scored slot; row ids and batch ids move with their rows.</summary>
    private static void RemoveRows(ScoringBatch slot, HashSet<int> rows) =>
        slot.Rows.RemoveRows(rows, (from, to) =>
        {
            slot.RowIds[to] = slot.RowIds[from];
            slot.BatchIds[to] = slot.BatchIds[from];
        });

    /// <summary>One ONNX Runtime call over rows [start, start + count) of the slot, reading and writing its arrays in place.</summary>
    private void Run(ScoringBatch slot, int start, int count)
    {
        var inputs = new OrtValue[_model.Inputs.Count];
        var outputs = new OrtValue[_model.Outputs.Count];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var spec = _model.Inputs[i];
                inputs[i] = OrtTensors.Over(slot.InputTensors[i], start * spec.RowSize, count * spec.RowSize, Shape(spec, count));
            }

            for (var o = 0; o < outputs.Length; o++)
            {
                var spec = _model.Outputs[o];
                var target = OutputArray(slot.Rows.Columns[_firstOutputColumn + o]!);
                outputs[o] = OrtTensors.Over(target, start * spec.RowSize, count * spec.RowSize, Shape(spec, count));
            }

            _model.Session.Run(_runOptions, _inputNames, inputs, _outputNames, outputs);
        }
        finally
        {
            foreach (var value in inputs)
            {
                value?.Dispose();
            }

            foreach (var value in outputs)
            {
                value?.Dispose();
            }
        }
    }

    private static long[] Shape(OnnxTensorSpec spec, int rows)
    {
        var shape = new long[spec.Dimensions.Length];
        shape[0] = rows;
        for (var d = 1; d < shape.Length; d++)
        {
            shape[d] = spec.Dimensions[d];
        }

        return shape;
    }

    private static Array OutputArray(ColumnBuffer buffer) => buffer switch
    {
        ScalarColumnBuffer<float> b => b.Values,
        ScalarColumnBuffer<double> b => b.Values,
        ScalarColumnBuffer<long> b => b.Values,
        ScalarColumnBuffer<int> b => b.Values,
        ScalarColumnBuffer<bool> b => b.Values,
        VectorColumnBuffer<float> b => b.Values,
        VectorColumnBuffer<double> b => b.Values,
        VectorColumnBuffer<long> b => b.Values,
        VectorColumnBuffer<int> b => b.Values,
        VectorColumnBuffer<bool> b => b.Values,
        _ => throw new NotSupportedException($"Model outputs of type {buffer.Type} are not supported."),
    };
}
