using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Formats.Images;

/// <summary>The columns of an <c>Images</c> source: <c>path</c> (text) and <c>bytes</c> (the encoded file, a variable-size byte vector).</summary>
public static class ImageSourceColumns
{
    /// <summary>The image's location, as the listing gives it.</summary>
    public const string Path = "path";

    /// <summary>The file's encoded bytes.</summary>
    public const string Bytes = "bytes";

    /// <summary>The type of <see cref="Bytes"/>: a <c>byte</c> vector of variable size.</summary>
    public static VectorDataViewType BytesType { get; } = new(NumberDataViewType.Byte);

    /// <summary>The source's schema.</summary>
    public static IReadOnlyList<SourceColumn> All { get; } =
    [
        new SourceColumn(Path, TextDataViewType.Instance),
        new SourceColumn(Bytes, BytesType),
    ];
}
