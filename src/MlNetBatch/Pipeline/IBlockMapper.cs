using MlNetBatch.Data;

namespace MlNetBatch.Pipeline;

/// <summary>Maps one block: reads the transform's input columns and fills its output columns.</summary>
/// <remarks>A mapper that is also <see cref="IDisposable"/> is disposed with the cursor that made it.</remarks>
public interface IBlockMapper
{
    /// <summary>
    /// Fills the output columns of <paramref name="block"/>'s <see cref="RecordBatch.RowCount"/> rows. The output
    /// buffers are pooled and already sized for the rows; input buffers must not be written.
    /// </summary>
    void Map(RecordBatch block);
}
