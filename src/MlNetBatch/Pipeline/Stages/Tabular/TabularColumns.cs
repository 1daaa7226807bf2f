using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>Column look-ups shared by the tabular stages.</summary>
internal static class TabularColumns
{
    /// <summary>The input column <paramref name="name"/>, or a message naming the stage and the columns there are.</summary>
    public static DataViewSchema.Column Require(DataViewSchema schema, string stage, string name)
    {
        var column = schema.GetColumnOrNull(name);
        if (column is null || column.Value.IsHidden)
        {
            throw new BlockTransformException(
                $"{stage}: input column '{name}' does not exist; the data has {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        }

        return column.Value;
    }

    /// <summary>Whether a scalar column of <paramref name="type"/> is text or one of the numbers the tabular stages read.</summary>
    public static bool IsTextOrNumber(DataViewType type) =>
        type is TextDataViewType
        || type == NumberDataViewType.Single || type == NumberDataViewType.Double
        || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64;
}
