using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// Derives calendar parts (<see cref="DateTimePart"/>) from a timestamp: a text column parsed with an exact .NET
/// format, or a DateTime column. Parts are those of the local time in <see cref="TimeZone"/>: a text without an offset
/// is read as that zone's local time, one with an offset (a format with <c>z</c> or <c>K</c>) and a UTC DateTime are
/// converted to it. Each part is a column named <c>{output}_{part}</c> (say <c>pickup_hour</c>). Empty text is
/// missing and gives NaN; text that does not parse is a bad record, quarantined with its file, row and value.
/// </summary>
public sealed class DateTimePartsBlockTransform : IBlockTransform
{
    private readonly string[] _inputs;
    private readonly bool _formatHasOffset;

    /// <summary>Creates the transform; <paramref name="timeZone"/> is an IANA or Windows id, UTC when null.</summary>
    public DateTimePartsBlockTransform(string outputColumnPrefix, string inputColumnName, IReadOnlyList<DateTimePart> parts, string? format = null, string? timeZone = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnPrefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new BlockTransformException($"DateTimeParts on '{inputColumnName}' needs at least one part.");
        }

        OutputPrefix = outputColumnPrefix;
        InputColumn = inputColumnName;
        Parts = [.. parts.Distinct()];
        Format = format;
        TimeZone = timeZone is null ? TimeZoneInfo.Utc : FindTimeZone(timeZone);
        _formatHasOffset = format is not null && HasOffsetSpecifier(format);
        _inputs = [inputColumnName];
    }

    /// <inheritdoc />
    public string Name => "DateTimeParts";

    /// <summary>The prefix of the output columns' names.</summary>
    public string OutputPrefix { get; }

    /// <summary>The timestamp column.</summary>
    public string InputColumn { get; }

    /// <summary>The parts derived, in column order.</summary>
    public IReadOnlyList<DateTimePart> Parts { get; }

    /// <summary>The exact format text is parsed with (.NET custom date and time format, invariant culture).</summary>
    public string? Format { get; }

    /// <summary>The zone whose local time the parts are of.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => _inputs;

    /// <summary>The output column of <paramref name="part"/>: <c>{prefix}_{part}</c>, the part in snake case.</summary>
    public string ColumnOf(DateTimePart part) => $"{OutputPrefix}_{SnakeCase(part)}";

    /// <summary>Finds a time zone by IANA or Windows id, or says which id is unknown.</summary>
    public static TimeZoneInfo FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new BlockTransformException($"unknown time zone '{id}'; use an IANA id such as 'America/New_York' or 'UTC'.");
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = TabularColumns.Require(inputSchema, Name, InputColumn);
        if (input.Type is TextDataViewType && Format is null)
        {
            throw new BlockTransformException($"DateTimeParts on '{InputColumn}': the column holds text, so the step needs a Format (say 'yyyy-MM-dd HH:mm:ss').");
        }

        if (input.Type is not TextDataViewType and not DateTimeDataViewType)
        {
            throw new BlockTransformException($"DateTimeParts on '{InputColumn}': the column holds {input.Type}; it reads text or DateTime.");
        }

        return [.. Parts.Select(p => new BlockOutputColumn(ColumnOf(p), p == DateTimePart.UnixTime ? NumberDataViewType.Double : NumberDataViewType.Single))];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var outputs = Parts.Select(p => schema[ColumnOf(p)].Index).ToArray();
        var input = BlockColumns.InputIndex(schema, InputColumn, outputs.Min());
        return new DateTimePartsMapper(this, input, outputs, schema[input].Type is TextDataViewType);
    }

    /// <summary>
    /// Whether a custom format reads an offset (<c>z</c>, <c>K</c>): not inside a quoted literal (<c>'z'</c>, <c>"K"</c>)
    /// nor escaped (<c>\z</c>), where the letter is text to match, as .NET's parser treats it.
    /// </summary>
    internal static bool HasOffsetSpecifier(string format)
    {
        char? quote = null;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (quote is not null)
            {
                quote = c == quote ? null : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '\\')
            {
                i++;
            }
            else if (c is 'z' or 'K')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads <paramref name="text"/> as a time in <see cref="TimeZone"/>; returns why it cannot (it does not parse, or
    /// the zone's offset takes it outside the years a <see cref="DateTimeOffset"/> holds), or null.
    /// </summary>
    internal string? ReadTime(ReadOnlySpan<char> text, out DateTimeOffset local)
    {
        local = default;
        bool converted;
        if (_formatHasOffset)
        {
            if (!DateTimeOffset.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset))
            {
                return $"not a date-time in the format '{Format}'";
            }

            try
            {
                local = System.TimeZoneInfo.ConvertTime(withOffset, TimeZone);
                converted = true;
            }
            catch (ArgumentOutOfRangeException)
            {
                converted = false;
            }
        }
        else
        {
            if (!DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var time))
            {
                return $"not a date-time in the format '{Format}'";
            }

            converted = TryLocal(DateTime.SpecifyKind(time, DateTimeKind.Unspecified), out local);
        }

        return converted ? null : OutOfRange;
    }

    /// <summary>Why a time is refused when <see cref="TryLocal"/> fails.</summary>
    internal string OutOfRange => $"outside the times the zone {TimeZone.Id} can hold";

    /// <summary><see cref="Local"/>, false when the zone's offset takes the time out of range.</summary>
    internal bool TryLocal(DateTime time, out DateTimeOffset local)
    {
        // No delegate here: this runs for every row.
        try
        {
            local = Local(time);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            local = default;
            return false;
        }
    }

    /// <summary>A DateTime value as a time in <see cref="TimeZone"/>: UTC values are converted, others read as its local time.</summary>
    internal DateTimeOffset Local(DateTime time) =>
        time.Kind == DateTimeKind.Utc
            ? System.TimeZoneInfo.ConvertTime(new DateTimeOffset(time), TimeZone)
            // A local time in a daylight-saving gap does not exist; the zone's rules give it the standard offset.
            : new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Unspecified), TimeZone.GetUtcOffset(time));

    private static string SnakeCase(DateTimePart part) => part switch
    {
        DateTimePart.DayOfWeek => "day_of_week",
        DateTimePart.UnixTime => "unix_time",
        _ => part.ToString().ToLowerInvariant(),
    };
}
