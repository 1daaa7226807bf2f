using System.Buffers.Text;
using System.Globalization;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Formats.Text;

/// <summary>Parses UTF-8 text fields straight into column buffers, without creating strings.</summary>
internal static class Utf8ValueParser
{
    /// <summary>Stores a field's value in slot <paramref name="row"/>; returns false when the text does not parse.</summary>
    public static bool TryStore(ColumnBuffer target, int row, ReadOnlySpan<byte> field)
    {
        switch (target)
        {
            case TextColumnBuffer text:
                text.SetUtf8(row, field);
                return true;
            case ScalarColumnBuffer<float> floats:
                return TryParseFloat(field, out floats.Values[row]);
            case ScalarColumnBuffer<double> doubles:
                if (field.IsEmpty || IsNaN(field))
                {
                    doubles.Values[row] = double.NaN;
                    return true;
                }

                return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out doubles.Values[row]);
            case ScalarColumnBuffer<int> ints:
                return Utf8Parser.TryParse(field, out ints.Values[row], out var intBytes) && intBytes == field.Length;
            case ScalarColumnBuffer<long> longs:
                return Utf8Parser.TryParse(field, out longs.Values[row], out var longBytes) && longBytes == field.Length;
            case ScalarColumnBuffer<bool> bools:
                return TryParseBool(field, out bools.Values[row]);
            default:
                throw new NotSupportedException($"Text formats cannot read {target.Type} columns.");
        }
    }

    /// <summary>Parses a float; an empty field or "NaN" is ML.NET's missing value.</summary>
    public static bool TryParseFloat(ReadOnlySpan<byte> field, out float value)
    {
        if (field.IsEmpty || IsNaN(field))
        {
            value = float.NaN;
            return true;
        }

        return float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

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

    /// <summary>The job-facing name of the type a field failed to parse as.</summary>
    public static string TypeName(ColumnBuffer target) => ColumnTypeNames.Format(target.Type);

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

    private static bool IsNaN(ReadOnlySpan<byte> field) =>
        field.Length is 2 or 3 && (field.SequenceEqual("NaN"u8) || field.SequenceEqual("nan"u8) || field.SequenceEqual("NA"u8) || field.SequenceEqual("?"u8));
}
