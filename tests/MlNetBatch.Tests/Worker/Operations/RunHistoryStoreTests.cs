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
    public void A_runs_stages_are_kept_as_JSON_also_in_a_history_written_before_the_column_existed()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("state"));
        // The table as an earlier worker made it, without the stages column, with one run in it.
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.Combine("state", RunHistoryOptions.FileName)};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY, job TEXT NOT NULL COLLATE NOCASE, started INTEGER NOT NULL, ended INTEGER, status TEXT NOT NULL,
                    rows_in INTEGER NOT NULL DEFAULT 0, rows_out INTEGER NOT NULL DEFAULT 0, bad_rows INTEGER NOT NULL DEFAULT 0,
                    filtered_rows INTEGER NOT NULL DEFAULT 0, error TEXT, bottleneck TEXT, host TEXT NOT NULL, pid INTEGER NOT NULL, process_start INTEGER NOT NULL);
                INSERT INTO runs (id, job, started, ended, status, host, pid, process_start) VALUES ('old', 'nightly', 1000, 2000, 'succeeded', 'h', 1, 1);
                """;
            create.ExecuteNonQuery();
        }

        var clock = new StepClock();
        var store = Store(dir, keepRuns: 10, clock);
        var run = store.Start("nightly");
        MlNetBatch.Jobs.Progress.StageStats[] stages =
        [
            new("read", TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1.25), 300, 4096, TimeSpan.Zero, TimeSpan.FromSeconds(0.5)),
            new("score", TimeSpan.FromSeconds(3), null, 300, null, TimeSpan.FromSeconds(0.25), TimeSpan.Zero),
        ];
        store.Finish(run with { Status = RunStatus.Succeeded, Ended = clock.GetUtcNow(), Bottleneck = "score", Stages = stages });

        var runs = Store(dir, keepRuns: 10, clock).Recent("nightly", 10);
        Assert.Equal(stages, runs.Single(r => r.RunId == run.RunId).Stages);
        Assert.Empty(runs.Single(r => r.RunId == "old").Stages);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.Combine("state", RunHistoryOptions.FileName)};Pooling=False");
        connection.Open();
        using var json = connection.CreateCommand();
        json.CommandText = $"SELECT stages FROM runs WHERE id = '{run.RunId}'";
        Assert.Equal(
            """[{"name":"read","wallSeconds":1.5,"cpuSeconds":1.25,"rows":300,"bytes":4096,"inputWaitSeconds":0,"outputWaitSeconds":0.5},{"name":"score","wallSeconds":3,"cpuSeconds":null,"rows":300,"bytes":null,"inputWaitSeconds":0.25,"outputWaitSeconds":0}]""",
            json.ExecuteScalar());
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
