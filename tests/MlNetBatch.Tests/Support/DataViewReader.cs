using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Tests.Support;

/// <summary>Reads whole columns out of a data view, for assertions.</summary>
public static class DataViewReader
{
    public static List<T> Column<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        var values = new List<T>();
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value);
        }

        return values;
    }

    /// <summary>Two columns read by one cursor, so that a row either column cannot read is left out of both.</summary>
    public static List<(T1, T2)> Columns<T1, T2>(IDataView view, string first, string second)
    {
        var columns = new[] { view.Schema[first], view.Schema[second] };
        using var cursor = view.GetRowCursor(columns);
        var getFirst = cursor.GetGetter<T1>(columns[0]);
        var getSecond = cursor.GetGetter<T2>(columns[1]);
        var rows = new List<(T1, T2)>();
        T1 a = default!;
        T2 b = default!;
        while (cursor.MoveNext())
        {
            getFirst(ref a);
            getSecond(ref b);
            rows.Add((a, b));
        }

        return rows;
    }

    public static List<float[]> Vectors(IDataView view, string name) => Vectors<float>(view, name);

    public static List<T[]> Vectors<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        var values = new List<T[]>();
        VBuffer<T> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            // The getter reuses the buffer's memory, so each row is copied out.
            values.Add(value.DenseValues().ToArray());
        }

        return values;
    }

    public static List<string> Text(IDataView view, string name)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        var values = new List<string>();
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            // Text is only valid until the cursor moves, so it is copied out at once.
            values.Add(value.ToString());
        }

        return values;
    }
}
