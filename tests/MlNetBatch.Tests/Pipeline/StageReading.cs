using Microsoft.ML;

namespace MlNetBatch.Tests.Pipeline;

/// <summary>Reads a stage's output through ML.NET getters, row by row, as any consumer would.</summary>
internal static class StageReading
{
    public static List<(long Id, float X, float Y)> Rows(IDataView view)
    {
        var rows = new List<(long, float, float)>();
        using var cursor = view.GetRowCursor(view.Schema);
        var id = cursor.GetGetter<long>(view.Schema["id"]);
        var x = cursor.GetGetter<float>(view.Schema["x"]);
        var y = cursor.GetGetter<float>(view.Schema["y"]);
        long i = 0;
        float a = 0, b = 0;
        while (cursor.MoveNext())
        {
            id(ref i);
            x(ref a);
            y(ref b);
            rows.Add((i, a, b));
        }

        return rows;
    }
}
