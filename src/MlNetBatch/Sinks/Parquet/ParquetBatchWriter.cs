using MlNetBatch.Data;
using ParquetSharp;
using ParquetSharp.IO;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>
/// Writes batches to one Parquet file through Apache Arrow's C++ writer (ParquetSharp), gathering rows from batch
/// to batch into row groups of <see cref="ParquetSinkOptions.RowGroupRows"/> rows or
/// <see cref="ParquetSinkOptions.RowGroupBytes"/> bytes, whichever comes first.
/// </summary>
/// <remarks>
/// Each row group is a buffered one: Arrow encodes and compresses the values as they arrive and holds the pages in
/// memory until the group is complete, so memory follows the compressed row group, not the raw rows.
/// </remarks>
internal sealed class ParquetBatchWriter : IRecordBatchWriter
{
    private readonly ParquetColumnSink[] _sinks;
    private readonly RowGroupBudget _budget;
    private readonly Stream _destination;
    private readonly ObservedOutputStream _stream;
    private readonly ManagedOutputStream _output;
    private readonly ParquetFileWriter _file;
    private RowGroupWriter? _rowGroup;
    private ColumnWriter[] _columns = [];
    private bool _completed;
    private bool _faulted;

    /// <summary>Starts the file on <paramref name="stream"/>, which stays open (the store commits or abandons it).</summary>
    public ParquetBatchWriter(Stream stream, IReadOnlyList<SinkColumn> columns, ParquetSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(columns);
        options ??= new ParquetSinkOptions();
        options.ThrowIfInvalid();
        _sinks = columns.Select(ParquetColumnSinks.Create).ToArray();
        _budget = new RowGroupBudget(_sinks, options);
        _destination = stream;
        _stream = new ObservedOutputStream(stream);
        _output = new ManagedOutputStream(_stream, leaveOpen: true);
        try
        {
            using var schema = ParquetWriterSettings.Schema(_sinks);
            using var properties = ParquetWriterSettings.Properties(options, _sinks);
            _file = Guard(() => new ParquetFileWriter(_output, schema, properties, ParquetWriterSettings.Metadata(_sinks)));
        }
        catch
        {
            _output.Dispose();
            throw;
        }
    }

    public Task WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfUnusable();
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.RowCount > 0)
        {
            Guard(() => Write(batch));
        }

        return Task.CompletedTask;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        // A file with no rows still gets a schema and footer, so readers see an empty table, not a broken file.
        Guard(() =>
        {
            CloseRowGroup();
            _file.Close();
        });
        _completed = true;
        await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            // Arrow's writer closes an unfinished file when freed, swallowing errors; that footer has nowhere to go.
            _stream.Abandon();
        }

        _file.Dispose();
        _output.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Write(RecordBatch batch)
    {
        var rows = batch.RowCount;
        foreach (var sink in _sinks)
        {
            sink.Prepare(batch.Columns[sink.Column.SourceIndex]!, rows);
        }

        _budget.Measure(rows);
        var start = 0;
        while (start < rows)
        {
            var take = _budget.RowsThatFit(start, rows - start);
            if (take == 0)
            {
                CloseRowGroup();
                continue;
            }

            if (_rowGroup is null)
            {
                _rowGroup = _file.AppendBufferedRowGroup();
                _columns = Enumerable.Range(0, _sinks.Length).Select(_rowGroup.Column).ToArray();
            }

            for (var c = 0; c < _sinks.Length; c++)
            {
                _sinks[c].Write(_columns[c], batch.Columns[_sinks[c].Column.SourceIndex]!, start, take);
            }

            _budget.Add(start, take);
            start += take;
            if (_budget.IsFull)
            {
                CloseRowGroup();
            }
        }
    }

    private void CloseRowGroup()
    {
        if (_rowGroup is null)
        {
            return;
        }

        _rowGroup.Close();
        _rowGroup.Dispose();
        _rowGroup = null;
        _budget.Reset();
    }

    private void ThrowIfUnusable()
    {
        if (_completed || _faulted)
        {
            throw new InvalidOperationException(_completed ? "The Parquet file is already complete." : "An earlier write to this Parquet file failed part-way.");
        }
    }

    /// <summary>
    /// Runs a step of Arrow's writer. A step that fails leaves the file in a state no footer can describe, so the
    /// writer refuses to go on; a failure of the store's stream is rethrown as the store's own exception.
    /// </summary>
    private T Guard<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception) when (_stream.Failure is { } failure)
        {
            _faulted = true;
            failure.Throw();
            throw;
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    private void Guard(Action step) => Guard(() =>
    {
        step();
        return true;
    });
}
