using Microsoft.ML;

namespace MlNetBatch.Tests.Data;

/// <summary>Reads every column of a view of text columns, row by row through one cursor, in order.</summary>
internal static class TextRows
{
    public static List<string[]> Read(IDataView view)
    {
        var columns = view.Schema.ToArray();
        using var cursor = view.GetRowCursor(columns);
        var getters = columns.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
        var rows = new List<string[]>();
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            var row = new string[getters.Length];
            for (var i = 0; i < getters.Length; i++)
            {
                getters[i](ref value);
                row[i] = value.ToString();
            }

            rows.Add(row);
        }

        return rows;
    }
}
