using System.Globalization;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Pipeline;
using MlNetBatch.Pipeline.Stages.Tabular;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>
/// DateTimeParts against the instants the text was made from: random instants are written as local times of a zone
/// (or with an offset), and the stage must give back each instant's local calendar parts and its unix time.
/// </summary>
public class DateTimePartsTests
{
    private static readonly DateTimePart[] s_all = Enum.GetValues<DateTimePart>();

    [Theory]
    [InlineData(1, "UTC")]
    [InlineData(2, "America/New_York")]
    [InlineData(3, "Asia/Kolkata")]
    [InlineData(4, "Australia/Lord_Howe")]
    public void Local_times_in_a_zone_give_the_parts_and_unix_time_of_their_instants(int seed, string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var instants = Instants(seed, 3000)
            // A local time that occurs twice (when clocks go back) cannot name one instant; it is left out here.
            .Where(i => !tz.IsAmbiguousTime(TimeZoneInfo.ConvertTime(i, tz)))
            .ToList();
        var rows = instants.Select(i => new Stamp { When = TimeZoneInfo.ConvertTime(i, tz).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) }).ToList();
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);

        var parts = ml.Transforms.DateTimeParts("t", "When", s_all, "yyyy-MM-dd HH:mm:ss", zone).Fit(data).Transform(data);

        AssertParts(parts, instants.Select(i => TimeZoneInfo.ConvertTime(i, tz)).ToList());
    }

    [Theory]
    [InlineData(5, "Europe/Berlin")]
    [InlineData(6, "UTC")]
    public void Times_with_an_offset_are_converted_to_the_zone(int seed, string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var random = new Random(seed);
        var instants = Instants(seed, 2000);
        // Each written with an offset of its own, as data from many places is.
        var rows = instants.Select(i => new Stamp { When = i.ToOffset(TimeSpan.FromMinutes(15 * random.Next(-48, 57))).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) }).ToList();
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);

        var parts = ml.Transforms.DateTimeParts("t", "When", s_all, "yyyy-MM-dd'T'HH:mm:sszzz", zone).Fit(data).Transform(data);

        AssertParts(parts, instants.Select(i => TimeZoneInfo.ConvertTime(i, tz)).ToList());
    }

    [Fact]
    public void A_DateTime_column_in_UTC_gives_the_parts_in_the_zone()
    {
        var instants = Instants(7, 1000);
        var ml = new MLContext(7);
        var data = ml.Data.LoadFromEnumerable(instants.Select(i => new Instant { When = i.UtcDateTime }).ToList());

        var parts = ml.Transforms.DateTimeParts("t", "When", s_all, timeZone: "Asia/Tokyo").Fit(data).Transform(data);

        var tz = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        AssertParts(parts, instants.Select(i => TimeZoneInfo.ConvertTime(i, tz)).ToList());
    }

    [Fact]
    public void Empty_text_is_missing_and_gives_NaN_parts()
    {
        var ml = new MLContext(8);
        var data = ml.Data.LoadFromEnumerable(new[] { new Stamp { When = "2024-03-10 07:05:09" }, new Stamp { When = string.Empty } });

        var parts = ml.Transforms.DateTimeParts("t", "When", [DateTimePart.Hour, DateTimePart.UnixTime], "yyyy-MM-dd HH:mm:ss").Fit(data).Transform(data);

        Assert.Equal([7f, float.NaN], DataViewReader.Column<float>(parts, "t_hour"));
        Assert.Equal([1710054309d, double.NaN], DataViewReader.Column<double>(parts, "t_unix_time"));
    }

    [Fact]
    public void Text_that_does_not_parse_fails_outside_a_job_naming_the_column_row_and_value()
    {
        var ml = new MLContext(9);
        var rows = Enumerable.Range(0, 50).Select(i => new Stamp { When = i == 37 ? "2024-13-01 00:00:00" : "2024-01-01 00:00:00" }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);

        var parts = ml.Transforms.DateTimeParts("t", "When", [DateTimePart.Month], "yyyy-MM-dd HH:mm:ss").Fit(data).Transform(data);

        var failure = Assert.Throws<BlockStageException>(() => DataViewReader.Column<float>(parts, "t_month"));
        var cause = Assert.IsType<DataFormatException>(failure.InnerException);
        Assert.Equal("When", cause.Column);
        Assert.Equal(37, cause.Row);
        Assert.Contains("'2024-13-01 00:00:00'", cause.Message);
        Assert.Contains("not a date-time in the format 'yyyy-MM-dd HH:mm:ss'", cause.Message);
    }

    [Fact]
    public void A_time_the_zone_takes_past_year_9999_is_a_bad_row_naming_the_zone_not_a_crash()
    {
        var ml = new MLContext(9);
        var rows = Enumerable.Range(0, 20).Select(i => new Stamp { When = i == 11 ? "9999-12-31 23:59:59" : "2024-01-01 00:00:00" }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);

        var parts = ml.Transforms.DateTimeParts("t", "When", [DateTimePart.UnixTime], "yyyy-MM-dd HH:mm:ss", "America/New_York").Fit(data).Transform(data);

        var failure = Assert.Throws<BlockStageException>(() => DataViewReader.Column<double>(parts, "t_unix_time"));
        var cause = Assert.IsType<DataFormatException>(failure.InnerException);
        Assert.Equal(11, cause.Row);
        Assert.Contains("outside the times the zone America/New_York can hold (value '9999-12-31 23:59:59')", cause.Message);
    }

    [Fact]
    public void A_text_column_without_a_format_or_an_unknown_zone_is_refused_with_the_reason()
    {
        var ml = new MLContext(10);
        var data = ml.Data.LoadFromEnumerable(new[] { new Stamp { When = "x" } });

        var noFormat = Assert.Throws<BlockTransformException>(() => ml.Transforms.DateTimeParts("t", "When", [DateTimePart.Hour]).Fit(data));
        var badZone = Assert.Throws<BlockTransformException>(() => ml.Transforms.DateTimeParts("t", "When", [DateTimePart.Hour], "yyyy", "Mars/Olympus"));

        Assert.Equal("DateTimeParts on 'When': the column holds text, so the step needs a Format (say 'yyyy-MM-dd HH:mm:ss').", noFormat.Message);
        Assert.Equal("unknown time zone 'Mars/Olympus'; use an IANA id such as 'America/New_York' or 'UTC'.", badZone.Message);
    }

    private static void AssertParts(IDataView parts, List<DateTimeOffset> expected)
    {
        Assert.Equal(expected.Select(t => (float)t.Year), DataViewReader.Column<float>(parts, "t_year"));
        Assert.Equal(expected.Select(t => (float)t.Month), DataViewReader.Column<float>(parts, "t_month"));
        Assert.Equal(expected.Select(t => (float)t.Day), DataViewReader.Column<float>(parts, "t_day"));
        Assert.Equal(expected.Select(t => (float)t.Hour), DataViewReader.Column<float>(parts, "t_hour"));
        Assert.Equal(expected.Select(t => (float)t.Minute), DataViewReader.Column<float>(parts, "t_minute"));
        Assert.Equal(expected.Select(t => (float)t.Second), DataViewReader.Column<float>(parts, "t_second"));
        Assert.Equal(expected.Select(t => (float)t.DayOfWeek), DataViewReader.Column<float>(parts, "t_day_of_week"));
        Assert.Equal(expected.Select(t => (double)t.ToUnixTimeSeconds()), DataViewReader.Column<double>(parts, "t_unix_time"));
    }

    /// <summary>Random whole-second instants from 1990 to 2040, some on the hours clocks change.</summary>
    private static List<DateTimeOffset> Instants(int seed, int count)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var end = new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        return Enumerable.Range(0, count).Select(i => DateTimeOffset.FromUnixTimeSeconds(
            i % 10 == 0
                ? new DateTimeOffset(random.Next(1990, 2040), 3, 10 + random.Next(0, 21), random.Next(0, 4), 30, 0, TimeSpan.Zero).ToUnixTimeSeconds()
                : random.NextInt64(start, end))).ToList();
    }

    private sealed class Stamp
    {
        public string When { get; set; } = string.Empty;
    }

    private sealed class Instant
    {
        public DateTime When { get; set; }
    }

    [Theory]
    [InlineData("yyyy-MM-dd HH:mm:ss zzz", true)]
    [InlineData("yyyy-MM-ddTHH:mm:ssK", true)]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss'Z'", false)]
    [InlineData("yyyy-MM-dd \"zone\" HH:mm", false)]
    [InlineData("yyyy-MM-dd HH:mm\\Z", false)]
    [InlineData("yyyy-MM-dd HH:mm:ss", false)]
    public void Only_an_unquoted_z_or_K_reads_an_offset_as_dotnets_parser_does(string format, bool readsOffset)
    {
        Assert.Equal(readsOffset, MlNetBatch.Pipeline.Stages.Tabular.DateTimePartsBlockTransform.HasOffsetSpecifier(format));
    }
}
