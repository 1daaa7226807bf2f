using Microsoft.ML.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Scoring.Functions;

namespace MlNetBatch.Tests.Scoring.Functions;

/// <summary>
/// A batch model for the tests: <c>total = f00 + f01</c>, after a short wait, as a service call would. It fails rows
/// whose id is in <see cref="FailedIds"/> with <see cref="ModelBatch.Fail"/>, throws for a whole call holding an id in
/// <see cref="ThrowingIds"/>, and records how many calls ran at once.
/// </summary>
public sealed class SumModel : IBatchModel
{
    private int _running;
    private int _mostAtOnce;
    private int _calls;

    public Func<long, bool> FailedIds { get; set; } = _ => false;

    public Func<long, bool> ThrowingIds { get; set; } = _ => false;

    /// <summary>Rows the model neither scores nor fails.</summary>
    public Func<long, bool> SkippedIds { get; set; } = _ => false;

    /// <summary>When set, every call throws this, as a model whose program is missing does.</summary>
    public Exception? ModelFailure { get; set; }

    public string Version { get; set; } = string.Empty;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(15);

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public int Calls => Volatile.Read(ref _calls);

    public BatchModelSignature Signature { get; } = new(
        [new BatchModelColumn("id", NumberDataViewType.Int64), new BatchModelColumn("f00", NumberDataViewType.Single), new BatchModelColumn("f01", NumberDataViewType.Single)],
        [new BatchModelColumn("total", NumberDataViewType.Single), new BatchModelColumn("difference", NumberDataViewType.Single)]);

    public async ValueTask ScoreAsync(ModelBatch batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var running = Interlocked.Increment(ref _running);
        try
        {
            int seen;
            while ((seen = Volatile.Read(ref _mostAtOnce)) < running && Interlocked.CompareExchange(ref _mostAtOnce, running, seen) != seen)
            {
            }

            await Task.Delay(Delay, cancellationToken);
            if (ModelFailure is not null)
            {
                throw ModelFailure;
            }

            var ids = batch.Input<ScalarColumnBuffer<long>>("id").Values;
            var a = batch.Input<ScalarColumnBuffer<float>>("f00").Values;
            var b = batch.Input<ScalarColumnBuffer<float>>("f01").Values;
            var total = batch.Output<ScalarColumnBuffer<float>>("total").Values;
            var difference = batch.Output<ScalarColumnBuffer<float>>("difference").Values;
            for (var row = 0; row < batch.RowCount; row++)
            {
                if (ThrowingIds(ids[row]))
                {
                    throw new InvalidOperationException($"the service refused id {ids[row]}");
                }
            }

            for (var row = 0; row < batch.RowCount; row++)
            {
                if (FailedIds(ids[row]))
                {
                    batch.Fail(row, $"no total for id {ids[row]}");
                    continue;
                }

                if (SkippedIds(ids[row]))
                {
                    continue;
                }

                total[row] = a[row] + b[row];
                difference[row] = a[row] - b[row];
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
