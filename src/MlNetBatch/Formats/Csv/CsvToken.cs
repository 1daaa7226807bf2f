namespace MlNetBatch.Formats.Csv;

/// <summary>Where <see cref="CsvRecordScanner.Next"/> stopped.</summary>
internal enum CsvToken
{
    /// <summary>The data ran out inside a record (or before one began); call again with more.</summary>
    NeedMore,

    /// <summary>A separator ended a field; the position is just after it.</summary>
    FieldEnd,

    /// <summary>A line break outside quotes ended a field and its record; the position is just after it.</summary>
    RecordEnd,

    /// <summary>A line break where a record would start: a blank line (or the LF of a CR LF), which has no fields.</summary>
    BlankLine,
}
