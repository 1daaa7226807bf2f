using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using MlNetBatch.Data;

namespace MlNetBatch.Tests.Data;

public class ItemSizesTests
{
    [Fact]
    public void Every_type_in_the_table_has_its_runtime_size()
    {
        Assert.Equal(Unsafe.SizeOf<byte>(), ItemSizes.Of(typeof(byte), 0));
        Assert.Equal(Unsafe.SizeOf<Half>(), ItemSizes.Of(typeof(Half), 0));
        Assert.Equal(Unsafe.SizeOf<float>(), ItemSizes.Of(typeof(float), 0));
        Assert.Equal(Unsafe.SizeOf<long>(), ItemSizes.Of(typeof(long), 0));
        Assert.Equal(Unsafe.SizeOf<DateTime>(), ItemSizes.Of(typeof(DateTime), 0));
        Assert.Equal(Unsafe.SizeOf<DateTimeOffset>(), ItemSizes.Of(typeof(DateTimeOffset), 0));
        Assert.Equal(99, ItemSizes.Of(typeof(ReadOnlyMemory<char>), 99));
    }

    [Fact]
    public void A_block_of_fixed_size_date_time_vectors_is_sized_without_throwing()
    {
        // Marshal.SizeOf, used before, throws for DateTime (an auto-layout struct).
        var rows = BlockRowLimit.For([new VectorDataViewType(DateTimeDataViewType.Instance, 1 << 20)], 16_384);

        Assert.Equal((int)(BlockRowLimit.MaximumBlockBytes / (8L << 20)), rows);
    }
}
