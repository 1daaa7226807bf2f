namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// Runs the model over a range of a slot's rows, reading the slot's input tensors and writing its output columns
/// in place. One instance serves one scorer of a cursor, so it is called from one thread at a time.
/// </summary>
internal interface IScoringBackend : IDisposable
{
    /// <summary>Scores rows <c>[start, start + count)</c> of <paramref name="slot"/>.</summary>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime failed: bad data, or out of memory (see <see cref="OutOfMemoryErrors"/>).</exception>
    void Run(ScoringBatch slot, int start, int count);
}
