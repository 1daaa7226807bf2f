using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Benchmarks;

/// <summary>Reads views to the end through their getters, the way a consumer of the data would.</summary>
internal static class Drain
{
    /// <summary>Every row's id and 16 features.</summary>
    public static void TabularColumns(IDataView view)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        var id = cursor.GetGetter<long>(view.Schema["id"]);
        var getters = TabularData.FeatureColumns.Select(c => cursor.GetGetter<float>(view.Schema[c])).ToArray();
        long idValue = 0;
        float value = 0;
        while (cursor.MoveNext())
        {
            id(ref idValue);
            foreach (var getter in getters)
            {
                getter(ref value);
            }
        }
    }

    /// <summary>Every column of every row, block by block, without getters: the path a job's sinks and scorer take.</summary>
    public static void Blocks(IDataView view)
    {
        using var cursor = (BlockRowCursor)view.GetRowCursor(view.Schema);
        while (cursor.TryTakeBlock(out _, out _, out _))
        {
        }
    }

    /// <summary>Every row's value of one float-vector column.</summary>
    public static void Vector(IDataView view, string columnName)
    {
        var column = view.Schema[columnName];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
        }
    }
}
