using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Formats.Text;

/// <summary>Parses UTF-8 text fields straight into column buffers, without creating strings.</summary>
internal static class Utf8ValueParser
{
    /// <summary>
    /// Stores a field's value in slot <paramref name="row"/>. A missing float or double is stored as NaN when
    /// <paramref name="missing"/> allows it (<see cref="ValueStatus.MissingAsNaN"/>, for the caller to count); every
    /// other outcome but <see cref="ValueStatus.Parsed"/> is a bad value.
    /// </summary>
    public static ValueStatus Store(ColumnBuffer target, int row, ReadOnlySpan<byte> field, MissingValueHandling missing)
    {
        switch (target)
        {
            case TextColumnBuffer text:
                text.SetUtf8(row, field);
                return ValueStatus.Parsed;
            case ScalarColumnBuffer<float> floats:
                return Accept(ParseFloat(field, out floats.Values[row]), missing);
            case ScalarColumnBuffer<double> doubles:
                return Accept(ParseDouble(field, out doubles.Values[row]), missing);
            case ScalarColumnBuffer<int> ints:
                return field.IsEmpty ? ValueStatus.Missing
                    : Utf8Parser.TryParse(field, out ints.Values[row], out var intBytes) && intBytes == field.Length ? ValueStatus.Parsed : ValueStatus.Invalid;
            case ScalarColumnBuffer<long> longs:
                return field.IsEmpty ? ValueStatus.Missing
                    : Utf8Parser.TryParse(field, out longs.Values[row], out var longBytes) && longBytes == field.Length ? ValueStatus.Parsed : ValueStatus.Invalid;
            case ScalarColumnBuffer<bool> bools:
                return field.IsEmpty ? ValueStatus.Missing : TryParseBool(field, out bools.Values[row]) ? ValueStatus.Parsed : ValueStatus.Invalid;
            default:
                throw new NotSupportedException($"Text formats cannot read {target.Type} columns.");
        }
    }

    /// <summary>
    /// Parses a float. An empty field or <c>NA</c> is missing (NaN); <c>NaN</c> is a value; a finite number beyond
    /// float's range is out of range rather than infinity (only the words Infinity and -Infinity are infinite).
    /// </summary>
    public static ValueStatus ParseFloat(ReadOnlySpan<byte> field, out float value) => ParseFloatingPoint(field, out value);

    /// <summary>Parses a double, with the rules of <see cref="ParseFloat"/>.</summary>
    public static ValueStatus ParseDouble(ReadOnlySpan<byte> field, out double value) => ParseFloatingPoint(field, out value);

    /// <summary>Parses true/false (any case) or 1/0.</summary>
    public static bool TryParseBool(ReadOnlySpan<byte> field, out bool value)
    {
        if (field.Length == 1 && field[0] is (byte)'1' or (byte)'0')
        {
            value = field[0] == (byte)'1';
            return true;
        }

        return Utf8Parser.TryParse(field, out value, out var consumed) && consumed == field.Length
            || TryParseBoolIgnoreCase(field, out value);
    }

    /// <summary>Why a value was not stored, for a bad record or an error (without the record's position).</summary>
    public static string Describe(ValueStatus status, ReadOnlySpan<byte> field, ColumnBuffer target) => status switch
    {
        ValueStatus.OutOfRange => $"'{Encoding.UTF8.GetString(field)}' is out of range for {TypeName(target)}",
        ValueStatus.Missing when target is ScalarColumnBuffer<float> or ScalarColumnBuffer<double> =>
            "the value is missing and the source's MissingValues is BadRecord",
        ValueStatus.Missing => $"the value is missing; {TypeName(target)} columns cannot hold missing values",
        _ => $"cannot parse '{Encoding.UTF8.GetString(field)}' as {TypeName(target)}",
    };

    /// <summary>The job-facing name of the type a field failed to parse as.</summary>
    public static string TypeName(ColumnBuffer target) => ColumnTypeNames.Format(target.Type);

    private static ValueStatus ParseFloatingPoint<T>(ReadOnlySpan<byte> field, out T value)
        where T : IFloatingPointIeee754<T>
    {
        if (IsMissing(field))
        {
            value = T.NaN;
            return ValueStatus.Missing;
        }

        if (!T.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value!))
        {
            return ValueStatus.Invalid;
        }

        return T.IsInfinity(value) && HasDigit(field) ? ValueStatus.OutOfRange : ValueStatus.Parsed;
    }

    private static ValueStatus Accept(ValueStatus status, MissingValueHandling missing) =>
        status == ValueStatus.Missing && missing == MissingValueHandling.NaN ? ValueStatus.MissingAsNaN : status;

    private static bool TryParseBoolIgnoreCase(ReadOnlySpan<byte> field, out bool value)
    {
        Span<char> chars = stackalloc char[5];
        value = false;
        if (field.Length > 5)
        {
            return false;
        }

        for (var i = 0; i < field.Length; i++)
        {
            chars[i] = (char)field[i];
        }

        return bool.TryParse(chars[..field.Length], out value);
    }

    private static bool IsMissing(ReadOnlySpan<byte> field) => field.IsEmpty || field.SequenceEqual("NA"u8);

    // A written-out number that parses to infinity overflowed; the words Infinity and ∞ hold no digit.
    private static bool HasDigit(ReadOnlySpan<byte> field) => field.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0;
}
