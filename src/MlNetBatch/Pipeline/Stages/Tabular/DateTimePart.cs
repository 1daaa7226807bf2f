namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>A value <see cref="DateTimePartsBlockTransform"/> derives from a timestamp, each into a column of its own.</summary>
public enum DateTimePart
{
    /// <summary>The year, as a float.</summary>
    Year,

    /// <summary>The month, 1 to 12, as a float.</summary>
    Month,

    /// <summary>The day of the month, 1 to 31, as a float.</summary>
    Day,

    /// <summary>The hour, 0 to 23, as a float.</summary>
    Hour,

    /// <summary>The minute, 0 to 59, as a float.</summary>
    Minute,

    /// <summary>The second, 0 to 59, as a float.</summary>
    Second,

    /// <summary>The day of the week, 0 (Sunday) to 6 (Saturday), as a float.</summary>
    DayOfWeek,

    /// <summary>Seconds since 1970-01-01T00:00:00Z, as a double (exact to the second for any date a double holds).</summary>
    UnixTime,
}
