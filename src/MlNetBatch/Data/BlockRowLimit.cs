using Microsoft.ML.Data;

namespace MlNetBatch.Data;

/// <summary>
/// Rows per pre-allocated block for columns of known width: the preferred count, cut so that a block of the widest
/// rows stays within <see cref="MaximumBlockBytes"/>. A block of 16,384 image tensors (150,528 floats each) would be
/// 9 GB, and overflow an array's length long before.
/// </summary>
internal static class BlockRowLimit
{
    /// <summary>The most bytes of fixed-width values one pre-allocated block may hold.</summary>
    public const long MaximumBlockBytes = 64L << 20;

    /// <summary>At most <paramref name="preferredRows"/>, and at least one, so that a block of <paramref name="types"/> stays within the bound.</summary>
    public static int For(IEnumerable<DataViewType> types, int preferredRows)
    {
        long rowBytes = 0;
        foreach (var type in types)
        {
            rowBytes += type switch
            {
                VectorDataViewType { IsKnownSize: true } vector => (long)vector.Size * ItemBytes(vector.ItemType),
                _ => 16,
            };
        }

        return (int)Math.Clamp(MaximumBlockBytes / Math.Max(1, rowBytes), 1, preferredRows);
    }

    private static int ItemBytes(PrimitiveDataViewType item) => ItemSizes.Of(item.RawType, otherwise: 16);
}
