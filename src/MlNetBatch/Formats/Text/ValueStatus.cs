namespace MlNetBatch.Formats.Text;

/// <summary>The outcome of parsing one text value into a column.</summary>
internal enum ValueStatus
{
    /// <summary>The value was stored.</summary>
    Parsed,

    /// <summary>The value was missing and was stored as NaN, as the source's <c>MissingValues</c> allows: counted, not rejected.</summary>
    MissingAsNaN,

    /// <summary>The value is missing (empty, or <c>NA</c>) and the column cannot hold that.</summary>
    Missing,

    /// <summary>The text is not a value of the column's type.</summary>
    Invalid,

    /// <summary>The text is a number too large for the column's type (it would read as infinity).</summary>
    OutOfRange,
}
