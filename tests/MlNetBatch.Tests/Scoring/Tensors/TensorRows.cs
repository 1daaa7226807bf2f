using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Tests.Scoring.Tensors;

/// <summary>A row with one vector column <c>x</c>, for data views whose column type a test sets.</summary>
public sealed class VectorRow<T>
{
    public T[] X { get; set; } = [];
}

/// <summary>Data views over vector rows with a chosen ML.NET column type.</summary>
internal static class TensorRows
{
    /// <summary>A view whose column <c>X</c> holds <paramref name="rows"/> typed as <paramref name="type"/> (null: a vector of variable length).</summary>
    public static IDataView Load<T>(MLContext ml, IEnumerable<T[]> rows, VectorDataViewType? type)
    {
        var schema = SchemaDefinition.Create(typeof(VectorRow<T>));
        if (type is not null)
        {
            schema["X"].ColumnType = type;
        }

        return ml.Data.LoadFromEnumerable(rows.Select(r => new VectorRow<T> { X = r }).ToList(), schema);
    }
}
