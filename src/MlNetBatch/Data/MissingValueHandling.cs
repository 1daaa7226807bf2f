namespace MlNetBatch.Data;

/// <summary>What a missing value (an empty CSV field, a JSON null or absent property) in a float or double column means.</summary>
public enum MissingValueHandling
{
    /// <summary>The value is NaN, ML.NET's missing value, and the row is scored.</summary>
    NaN,

    /// <summary>The row is a bad record: it fails the read, or goes to the quarantine when bad records are allowed.</summary>
    BadRecord,
}
