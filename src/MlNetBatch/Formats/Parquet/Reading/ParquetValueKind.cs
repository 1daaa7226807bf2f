namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>What the stored values of a Parquet column mean: its physical type read through its logical type.</summary>
internal enum ParquetValueKind
{
    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>INT32, or a signed or narrow unsigned integer stored in it.</summary>
    Int32,

    /// <summary>INT32 annotated as an unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary>INT64.</summary>
    Int64,

    /// <summary>INT64 annotated as an unsigned 64-bit integer.</summary>
    UInt64,

    /// <summary>FLOAT.</summary>
    Float,

    /// <summary>DOUBLE.</summary>
    Double,

    /// <summary>A DECIMAL in INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY.</summary>
    Decimal,

    /// <summary>A DATE: days since 1970-01-01 in INT32.</summary>
    Date,

    /// <summary>A TIMESTAMP: milli-, micro- or nanoseconds since 1970-01-01 in INT64.</summary>
    Timestamp,

    /// <summary>The legacy INT96 timestamp (Impala, older Spark): nanoseconds of the day and a Julian day.</summary>
    Int96Timestamp,

    /// <summary>A BYTE_ARRAY holding UTF-8 text (STRING, ENUM, JSON).</summary>
    Text,

    /// <summary>A BYTE_ARRAY with no annotation: raw bytes, readable as text when the schema declares a string.</summary>
    Binary,
}
