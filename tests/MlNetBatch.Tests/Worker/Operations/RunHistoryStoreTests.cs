using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.History;

namespace MlNetBatch.Tests.Worker.Operations;

public class RunHistoryStoreTests
{
    [Fact]
    public void The_history_keeps_only_the_last_runs_of_each_job()
    {
        using var dir = new TempDirectory();
        var clock = new StepClock();
        var store = Store(dir, keepRuns: 3, clock);
        for (var i = 0; i < 7; i++)
        {
            var run = store.Start("busy");
            store.Finish(run with { Status = RunStatus.Succeeded, RowsIn = i, RowsOut = i, Ended = clock.GetUtcNow() });
        }

        var quiet = store.Start("quiet");
        store.Finish(quiet with { Status = RunStatus.Failed, Error = "it broke", Ended = clock.GetUtcNow() });

        // A new store over the same directory, as after a restart, reads what the first one wrote.
        var reopened = Store(dir, keepRuns: 3, clock);
        Assert.Equal([6L, 5L, 4L], reopened.Recent("busy", 100).Select(r => r.RowsOut));
        var failed = Assert.Single(reopened.Recent("quiet", 100));
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("it broke", failed.Error);
        Assert.Equal(TimeSpan.FromSeconds(1), failed.Duration);
        Assert.Equal(4, reopened.Recent(null, 100).Count);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.Combine("state", RunHistoryOptions.FileName)};Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM runs";
        Assert.Equal(4L, count.ExecuteScalar());
    }

    [Fact]
    public void A_schedule_is_recorded_once_and_again_only_when_it_changes()
    {
        using var dir = new TempDirectory();
        var clock = new StepClock();
        var store = Store(dir, keepRuns: 10, clock);

        store.RecordSchedule("nightly", "0 0 2 * * ?");
        var since = store.ScheduledSince("nightly", "0 0 2 * * ?");
        store.RecordSchedule("nightly", "0 0 2 * * ?");

        Assert.Equal(since, store.ScheduledSince("nightly", "0 0 2 * * ?"));
        store.RecordSchedule("nightly", "0 0 3 * * ?");
        Assert.Null(store.ScheduledSince("nightly", "0 0 2 * * ?"));
        Assert.True(store.ScheduledSince("nightly", "0 0 3 * * ?") > since);
    }

    [Fact]
    public void An_unwritable_state_directory_is_one_clear_error_naming_the_setting()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("state"), "a file where the directory should be");
        var store = Store(dir, keepRuns: 10, new StepClock());

        var e = Assert.Throws<MlNetBatchException>(() => store.Start("job"));

        Assert.Contains(dir.Combine("state"), e.Message);
        Assert.Contains("MlNetBatch:StateDirectory", e.Message);
    }

    private static RunHistoryStore Store(TempDirectory dir, int keepRuns, TimeProvider clock) =>
        new(Options.Create(new RunHistoryOptions { KeepRuns = keepRuns }), Options.Create(new StateDirectoryOptions { StateDirectory = "state" }), new HostingEnvironment { ContentRootPath = dir.Path }, clock);

    /// <summary>A clock that moves one second each time it is read, so that runs are ordered and have durations.</summary>
    private sealed class StepClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }
}
