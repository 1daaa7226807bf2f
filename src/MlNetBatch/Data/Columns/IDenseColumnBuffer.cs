namespace MlNetBatch.Data.Columns;

/// <summary>A column buffer whose rows lie end to end in one array, so a tensor can be laid over it.</summary>
internal interface IDenseColumnBuffer
{
    /// <summary>The array of all rows' items.</summary>
    Array Items { get; }
}
