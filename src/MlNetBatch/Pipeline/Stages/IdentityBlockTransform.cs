using Microsoft.ML;
using MlNetBatch.Data;

namespace MlNetBatch.Pipeline.Stages;

/// <summary>
/// A stage that passes blocks through unchanged: the cost of the stage engine alone, and a placeholder a job can
/// keep while its real preprocessing is elsewhere.
/// </summary>
public sealed class IdentityBlockTransform : IBlockTransform, IBlockMapper
{
    /// <inheritdoc />
    public string Name => "Identity";

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => [];

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema) => [];

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema) => this;

    /// <inheritdoc />
    public void Map(RecordBatch block)
    {
    }
}
