using Microsoft.ML;

namespace MlNetBatch.Pipeline;

/// <summary>Finding a block stage's input column in the schema its mapper sees.</summary>
internal static class BlockColumns
{
    /// <summary>
    /// The index of the last column named <paramref name="name"/> before <paramref name="before"/> (the stage's first
    /// output): the input a stage reads, even when its output hides a column of the same name.
    /// </summary>
    public static int InputIndex(DataViewSchema schema, string name, int before)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            if (schema[i].Name == name)
            {
                return i;
            }
        }

        throw new BlockTransformException($"input column '{name}' is not in the block.");
    }
}
