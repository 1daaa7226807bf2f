namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// Turns a stored Parquet value into a column's ML.NET value. Implemented by structs, so that a reader generic over
/// its converter gets the conversion compiled inline: no interface call per value (and, for the usual feature
/// conversions, no delegate call either; see <see cref="NumberConverter{TStored, TValue}"/>).
/// </summary>
/// <typeparam name="TStored">The physical value as ParquetSharp reads it.</typeparam>
/// <typeparam name="TValue">The column's item type.</typeparam>
internal interface IValueConverter<TStored, TValue>
{
    /// <summary>Whether every value is stored as is, so that a reader may decode straight into the column.</summary>
    bool IsIdentity { get; }

    /// <summary>Converts one value; throws <see cref="OverflowException"/> or <see cref="ArgumentOutOfRangeException"/> when it does not fit.</summary>
    TValue Convert(TStored value);
}
