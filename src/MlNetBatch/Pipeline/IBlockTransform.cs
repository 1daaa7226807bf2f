using Microsoft.ML;

namespace MlNetBatch.Pipeline;

/// <summary>
/// A preprocessing step that works on whole column blocks: the seam every block stage plugs into. It names the
/// columns it reads and the columns (and types) it adds, and maps a block at a time, never a row at a time.
/// </summary>
/// <remarks>
/// A transform is immutable once fitted and may be shared by many cursors; per-thread state (scratch buffers)
/// belongs in the <see cref="IBlockMapper"/> that <see cref="CreateMapper"/> returns, one per block in flight.
/// </remarks>
public interface IBlockTransform
{
    /// <summary>A short name for plans and error messages, e.g. <c>Concatenate</c>.</summary>
    string Name { get; }

    /// <summary>The columns the transform reads.</summary>
    IReadOnlyList<string> InputColumns { get; }

    /// <summary>
    /// The columns the transform adds to <paramref name="inputSchema"/>, in order. Throws
    /// <see cref="BlockTransformException"/> when the input columns are missing or of a type the transform cannot take,
    /// and <see cref="BlockPathNotSupportedException"/> when a stock ML.NET transform should do the work instead.
    /// </summary>
    IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema);

    /// <summary>
    /// Learns what the transform needs from a sample (say a normalizer's ranges) and returns the fitted transform; a
    /// stateless transform returns itself without reading the sample. Called once, when a pipeline or job is planned.
    /// </summary>
    IBlockTransform Fit(IDataView sample) => this;

    /// <summary>
    /// A mapper for blocks of <paramref name="schema"/>: the input schema followed by <see cref="GetOutputColumns"/>.
    /// Each block in flight has its own mapper, so a mapper needs no locking.
    /// </summary>
    IBlockMapper CreateMapper(DataViewSchema schema);
}
