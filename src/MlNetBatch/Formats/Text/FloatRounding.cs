using System.Globalization;
using System.Text;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// Tells whether a number written as text survives ML.NET's <c>float</c>: inference picks float (ML.NET's feature
/// type), and a value with more digits than float keeps (<c>123456789.01</c>, a timestamp with milliseconds) would
/// silently come out rounded in a pass-through column, so inference says so.
/// </summary>
internal static class FloatRounding
{
    /// <summary>Null when float holds the number the text means; otherwise "text reads as value".</summary>
    public static string? Describe(ReadOnlySpan<byte> text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact) || !double.IsFinite(exact))
        {
            return null;
        }

        var rounded = (float)exact;
        return (double)rounded == exact || double.Parse(rounded.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) == exact
            ? null
            : $"{Encoding.UTF8.GetString(text)} reads as {rounded.ToString("R", CultureInfo.InvariantCulture)}";
    }
}
