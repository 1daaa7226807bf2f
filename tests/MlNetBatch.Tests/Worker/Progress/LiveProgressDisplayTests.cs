using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Progress;
using MlNetBatch.Tests.Jobs.Progress;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Progress;
using Spectre.Console.Testing;

namespace MlNetBatch.Tests.Worker.Progress;

/// <summary>The terminal's live display of a run, drawn on Spectre.Console's test console.</summary>
public class LiveProgressDisplayTests
{
    [Fact]
    public async Task The_live_display_shows_partitions_rows_rate_eta_and_bad_rows_and_ends_at_the_runs_numbers()
    {
        using var dir = new TempDirectory();
        var job = await StatsJobs.SlowAsync(dir, "out", parallelism: 1);
        var progress = new JobProgress();
        var console = new TestConsole().Interactive().Width(160);

        JobRunSummary summary;
        using (LiveProgressDisplay.Start(progress, console))
        {
            summary = await StatsJobs.Runner(dir).RunAsync("live", job, new JobRunOptions { Progress = progress }, CancellationToken.None);
        }

        var output = console.Output;
        Assert.Contains($"live {summary.Partitions}/{summary.Partitions} partitions", output);
        Assert.Contains("2,000/2,000 rows", output);
        Assert.Contains("rows/s, ETA ", output);
        Assert.Contains($"{summary.BadRows} bad", output);
        // Drawn while the run went, not only at the end.
        Assert.Matches($@"live [0-{summary.Partitions - 1}]/{summary.Partitions} partitions", output);
    }
}
