using System.Buffers.Binary;
using System.Runtime.InteropServices;
using MlNetBatch.Data;
using ParquetSharp;

namespace MlNetBatch.Formats.Parquet.Reading;

// The converters a column reader is compiled with, one per way a Parquet type maps to an ML.NET type. The
// `(T)(object)value` casts below are between a type parameter and the type it is known to be: the JIT removes them.

/// <summary>Values stored as the column's own type.</summary>
internal readonly struct SameType<T> : IValueConverter<T, T>
{
    public bool IsIdentity => true;

    public T Convert(T value) => value;
}

/// <summary>
/// Numbers and booleans converted, checked, to another numeric type (an INT32 column declared <c>long</c>). A double
/// beyond float's range is an overflow (a bad value), not infinity, as in CSV and JSON Lines.
/// </summary>
internal readonly struct NumberConverter<TStored, TValue> : IValueConverter<TStored, TValue>
{
    public bool IsIdentity => false;

    public TValue Convert(TStored value)
    {
        // The conversions feature columns take, inline (the type tests fold away when the JIT compiles each pair);
        // every other pair goes through the cached checked conversion, a delegate call per value.
        if (typeof(TValue) == typeof(float))
        {
            if (typeof(TStored) == typeof(int))
            {
                return (TValue)(object)(float)(int)(object)value!;
            }

            if (typeof(TStored) == typeof(long))
            {
                return (TValue)(object)(float)(long)(object)value!;
            }

            if (typeof(TStored) == typeof(double))
            {
                var stored = (double)(object)value!;
                var narrowed = (float)stored;
                return float.IsInfinity(narrowed) && double.IsFinite(stored) ? throw new OverflowException() : (TValue)(object)narrowed;
            }
        }

        if (typeof(TValue) == typeof(double))
        {
            if (typeof(TStored) == typeof(int))
            {
                return (TValue)(object)(double)(int)(object)value!;
            }

            if (typeof(TStored) == typeof(long))
            {
                return (TValue)(object)(double)(long)(object)value!;
            }

            if (typeof(TStored) == typeof(float))
            {
                return (TValue)(object)(double)(float)(object)value!;
            }
        }

        if (typeof(TValue) == typeof(long) && typeof(TStored) == typeof(int))
        {
            return (TValue)(object)(long)(int)(object)value!;
        }

        return NumericConversion.Convert<TStored, TValue>(value);
    }
}

/// <summary>Unsigned integers, which Parquet stores in the signed physical type of the same width.</summary>
internal readonly struct UnsignedConverter<TStored, TValue> : IValueConverter<TStored, TValue>
{
    public bool IsIdentity => false;

    public TValue Convert(TStored value) => typeof(TStored) == typeof(int)
        ? NumericConversion.Convert<uint, TValue>(unchecked((uint)(int)(object)value!))
        : NumericConversion.Convert<ulong, TValue>(unchecked((ulong)(long)(object)value!));
}

/// <summary>
/// Dates (INT32 days), timestamps (INT64 units) and INT96 timestamps since 1970-01-01, as <see cref="DateTime"/>
/// (of kind UTC for instants, unspecified for local times and dates) or as <see cref="DateTimeOffset"/> at UTC.
/// </summary>
internal readonly struct TemporalConverter<TStored, TValue>(long ticksPerUnit, long unitsPerTick, DateTimeKind kind) : IValueConverter<TStored, TValue>
{
    // The Julian day number of 1970-01-01, from which INT96 counts its days.
    private const long UnixEpochJulianDay = 2_440_588;

    public bool IsIdentity => false;

    /// <summary>The converter for a column's unit.</summary>
    public static TemporalConverter<TStored, TValue> For(ParquetLeaf leaf) => leaf.Kind switch
    {
        ParquetValueKind.Date => new(TimeSpan.TicksPerDay, 1, DateTimeKind.Unspecified),
        ParquetValueKind.Int96Timestamp => new(1, 100, DateTimeKind.Unspecified),
        _ => leaf.Unit switch
        {
            TimeUnit.Millis => new(TimeSpan.TicksPerMillisecond, 1, leaf.IsUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified),
            TimeUnit.Micros => new(TimeSpan.TicksPerMicrosecond, 1, leaf.IsUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified),
            _ => new(1, 100, leaf.IsUtc ? DateTimeKind.Utc : DateTimeKind.Unspecified),
        },
    };

    public TValue Convert(TStored value)
    {
        long sinceEpoch;
        if (typeof(TStored) == typeof(Int96))
        {
            var int96 = (Int96)(object)value!;
            var nanosecondOfDay = ((long)int96.B << 32) | (uint)int96.A;
            sinceEpoch = checked(((int96.C - UnixEpochJulianDay) * TimeSpan.TicksPerDay) + FloorDivide(nanosecondOfDay, unitsPerTick));
        }
        else
        {
            var units = typeof(TStored) == typeof(int) ? (int)(object)value! : (long)(object)value!;
            sinceEpoch = unitsPerTick == 1 ? checked(units * ticksPerUnit) : FloorDivide(units, unitsPerTick);
        }

        var ticks = checked(DateTime.UnixEpoch.Ticks + sinceEpoch);
        if (typeof(TValue) == typeof(DateTimeOffset))
        {
            return (TValue)(object)new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        return (TValue)(object)new DateTime(ticks, kind);
    }

    // Times before 1970 round down too, so that a nanosecond timestamp lands in the tick that contains it.
    private static long FloorDivide(long value, long divisor) => value >= 0 ? value / divisor : ((value + 1) / divisor) - 1;
}

/// <summary>
/// Decimals, stored as unscaled integers in INT32, INT64 or big-endian two's-complement bytes, as the column's number
/// type: exactly through <see cref="decimal"/> when it holds them, else through <see cref="double"/>.
/// </summary>
internal readonly struct DecimalConverter<TStored, TValue>(int scale, int typeLength) : IValueConverter<TStored, TValue>
{
    private static readonly UInt128 DecimalLimit = UInt128.One << 96;
    private readonly byte[] _bytes = new byte[16];

    public bool IsIdentity => false;

    public TValue Convert(TStored value)
    {
        Int128 unscaled = typeof(TStored) == typeof(int) ? (int)(object)value!
            : typeof(TStored) == typeof(long) ? (long)(object)value!
            : typeof(TStored) == typeof(ByteArray) ? FromBigEndian(((ByteArray)(object)value!).Pointer, ((ByteArray)(object)value!).Length)
            : FromBigEndian(((FixedLenByteArray)(object)value!).Pointer, typeLength);
        var negative = Int128.IsNegative(unscaled);
        var magnitude = negative ? (UInt128)(-unscaled) : (UInt128)unscaled;
        if (scale <= 28 && magnitude < DecimalLimit)
        {
            var exact = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);
            return NumericConversion.Convert<decimal, TValue>(exact);
        }

        return NumericConversion.Convert<double, TValue>((double)unscaled / Math.Pow(10, scale));
    }

    private Int128 FromBigEndian(IntPtr pointer, int length)
    {
        if (length > _bytes.Length)
        {
            throw new OverflowException($"a decimal of {length} bytes is wider than 16.");
        }

        // Right-align the bytes and extend the sign into the bytes in front of them.
        Marshal.Copy(pointer, _bytes, _bytes.Length - length, length);
        var sign = length > 0 && (_bytes[_bytes.Length - length] & 0x80) != 0 ? (byte)0xFF : (byte)0;
        _bytes.AsSpan(0, _bytes.Length - length).Fill(sign);
        return BinaryPrimitives.ReadInt128BigEndian(_bytes);
    }
}
