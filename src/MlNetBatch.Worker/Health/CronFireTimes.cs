using Quartz;

namespace MlNetBatch.Worker.Health;

/// <summary>When a cron schedule last fired, which Quartz's <see cref="CronExpression"/> does not say itself.</summary>
internal static class CronFireTimes
{
    /// <summary>The longest look back: past it a schedule is taken as never having fired (a yearly one fires within it).</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(800);

    /// <summary>The last time <paramref name="cron"/> fired at or before <paramref name="at"/>; null when it did not within the horizon.</summary>
    public static DateTimeOffset? LastAtOrBefore(string cron, DateTimeOffset at)
    {
        var expression = new CronExpression(cron);
        // Look back over growing windows, so that a frequent schedule costs a few steps and a rare one a few more.
        for (var window = TimeSpan.FromMinutes(1); window <= Horizon * 4; window *= 4)
        {
            if (expression.GetNextValidTimeAfter(at - window) is not { } first || first > at)
            {
                continue;
            }

            var last = first;
            while (expression.GetNextValidTimeAfter(last) is { } next && next <= at)
            {
                last = next;
            }

            return last;
        }

        return null;
    }
}
