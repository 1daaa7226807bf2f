using Microsoft.ML;

namespace MlNetBatch.Pipeline;

/// <summary>
/// A block transform whose output types depend on vector dimensions an ML.NET <see cref="SchemaShape"/> does not carry
/// (an image's height and width): it says what it adds from the shape alone (names, kinds, item types), so that an
/// <c>Append</c> chain can check it before fitting. Its real types are still checked when it is fitted.
/// </summary>
internal interface IDescribesOutputShape
{
    /// <summary>The columns the transform adds, by shape; throws <see cref="BlockTransformException"/> when the input cannot be right.</summary>
    IReadOnlyList<SchemaShape.Column> GetOutputShape(SchemaShape inputSchema);
}
