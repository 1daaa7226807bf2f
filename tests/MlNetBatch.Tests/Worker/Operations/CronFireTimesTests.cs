using MlNetBatch.Worker.Health;

namespace MlNetBatch.Tests.Worker.Operations;

public class CronFireTimesTests
{
    [Theory]
    [InlineData("0 0 2 * * ?", "2026-03-10T01:00:00", "2026-03-09T02:00:00")]
    [InlineData("0 0 2 * * ?", "2026-03-10T02:00:00", "2026-03-10T02:00:00")]
    [InlineData("*/10 * * * * ?", "2026-03-10T01:00:07", "2026-03-10T01:00:00")]
    [InlineData("0 30 4 1 1 ?", "2026-03-10T01:00:00", "2026-01-01T04:30:00")]
    [InlineData("0 0 12 ? * MON", "2026-03-12T00:00:00", "2026-03-09T12:00:00")]
    public void The_last_fire_time_is_the_latest_one_not_after_the_instant(string cron, string at, string expected)
    {
        var zone = TimeZoneInfo.Local;
        var instant = Local(at, zone);

        Assert.Equal(Local(expected, zone), CronFireTimes.LastAtOrBefore(cron, instant));
    }

    [Fact]
    public void A_schedule_that_has_not_fired_within_the_horizon_has_no_last_fire_time() =>
        Assert.Null(CronFireTimes.LastAtOrBefore("0 0 0 1 1 ? 2099", DateTimeOffset.UtcNow));

    private static DateTimeOffset Local(string text, TimeZoneInfo zone)
    {
        var time = DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return new DateTimeOffset(time, zone.GetUtcOffset(time));
    }
}
