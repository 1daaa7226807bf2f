namespace MlNetBatch.Formats.Text;

/// <summary>The outcome of parsing one text value into a column.</summary>
internal enum ValueStatus
{
    /// <summary>The value was stored (a missing float stored as NaN, when the source allows that).</summary>
    Parsed,

    /// <summary>The value is missing (empty, or <c>NA</c>) and the column cannot hold that.</summary>
    Missing,

    /// <summary>The text is not a value of the column's type.</summary>
    Invalid,

    /// <summary>The text is a number too large for the column's type (it would read as infinity).</summary>
    OutOfRange,
}
