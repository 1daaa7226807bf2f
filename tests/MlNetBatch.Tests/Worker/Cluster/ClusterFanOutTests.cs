using MlNetBatch.Jobs.Commit;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Worker.Cluster;

/// <summary>
/// Real worker processes on a real PostgreSQL split one scheduled run's partitions: every row once, whatever node
/// dies, pauses, joins late or is stopped.
/// </summary>
public class ClusterFanOutTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Three_workers_share_one_run_of_fifty_partitions_and_write_every_row_once()
    {
        using var dir = new TempDirectory();
        var job = await ClusterFanOut.CreateAsync(dir, postgres.Server, files: 25, groups: 2, groupRows: 20_000, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        // Each node is held on its first partition until all three have claimed one, however slowly they start.
        var gate = job.CloseGate();
        var workers = Enumerable.Range(0, 3).Select(i => job.StartHeldWorker($"node-{i}", TimeSpan.FromMilliseconds(20), gate)).ToList();
        try
        {
            foreach (var node in new[] { "node-0", "node-1", "node-2" })
            {
                Assert.True(await job.WaitForClaimAsync(node, RunTimeout), $"{node} never claimed a partition: " + ClusterFanOut.Outputs(workers));
            }

            File.Delete(gate);
            Assert.True(await job.WaitForRunEndAsync(workers, RunTimeout), "the run did not end: " + ClusterFanOut.Outputs(workers));
        }
        finally
        {
            await StopAsync(workers);
        }

        var output = ClusterFanOut.Outputs(workers);
        var run = Assert.Single(await job.RunsAsync());
        Assert.True(run.State == "succeeded", output);
        var partitions = await job.PartitionsAsync();
        Assert.Equal(50, partitions.Count);
        Assert.All(partitions, p => Assert.Equal("committed", p.State));
        Assert.Equal(["node-0", "node-1", "node-2"], partitions.Select(p => p.CommittedBy).Distinct().Order());
        job.AssertExactlyOnce();
        Assert.DoesNotContain("[ERR]", output);
        Assert.Contains("planned on this node: 50 of 50 partitions", output);
        // The planner's fit, stored with the run: the mean (step 0) and ML.NET's saved normalizer (step 1), which the
        // other nodes built their preprocessing from (a node without it refuses the run, and they committed partitions).
        var fitted = System.Text.Json.Nodes.JsonNode.Parse(await job.FittedAsync() ?? "null")!.AsObject();
        Assert.Equal(new[] { "0", "1" }, fitted.Select(p => p.Key).Order());
        Assert.NotNull(fitted["0"]!["Block"]);
        Assert.NotNull(fitted["1"]!["MlNet"]);
    }

    [Fact]
    public async Task A_worker_killed_mid_run_has_its_partition_recovered_and_every_row_is_written_once()
    {
        using var dir = new TempDirectory();
        var job = await ClusterFanOut.CreateAsync(dir, postgres.Server, files: 25, groups: 2, groupRows: 20_000, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4));
        var marker = dir.Combine("halted");
        // node-0 plans the run (the others start once it has), halts after publishing its first partition's file,
        // before the commit record, and is then killed: the planner dies and the run goes on without it.
        var workers = new List<WorkerProcess> { WorkerProcess.StartHalting(dir.Path, job.Environment("node-0"), JobPoint.AfterOutputCommit, 1, marker, "--config", job.Config) };
        try
        {
            Assert.True(await job.WaitForClaimAsync("node-0", RunTimeout), "node-0 never planned the run: " + ClusterFanOut.Outputs(workers));
            workers.AddRange(Enumerable.Range(1, 2).Select(i => job.StartSlowWorker($"node-{i}", TimeSpan.FromMilliseconds(100))));
            Assert.True(await workers[0].WaitForFileAsync(marker, RunTimeout), "node-0 never scored a partition: " + ClusterFanOut.Outputs(workers));
            var held = Assert.Single(await job.PartitionsAsync(), p => p.Owner == "node-0" && p.State == "claimed");
            // node-0 still renews its claim while its scoring halts, so the run stays in progress for 'cluster status'.
            var (status, statusOutput) = await WorkerProcess.RunAsync(dir.Path, job.Environment("status"), "cluster", "status", "--config", job.Config);
            Assert.True(status == 0, statusOutput);
            Assert.Contains($"scoring partition(s) {held.Partition}", statusOutput);
            Assert.Contains("1 run(s) in progress", statusOutput);
            Assert.Matches(@"job fanout, run \w+ \(planned by node-\d, running\): \d+ of 50 partitions committed, [1-9][0-9]* in flight", statusOutput);
            workers[0].Kill();
            Assert.True(await job.WaitForRunEndAsync(workers.Skip(1).ToList(), RunTimeout), "the run did not end: " + ClusterFanOut.Outputs(workers));

            var recovered = Assert.Single(await job.PartitionsAsync(), p => p.Partition == held.Partition);
            Assert.Equal("committed", recovered.State);
            Assert.NotEqual("node-0", recovered.CommittedBy);
            Assert.True(recovered.Epoch > held.Epoch);
            Assert.Contains($"partition {held.Partition} recovered from node node-0", ClusterFanOut.Outputs(workers.Skip(1)));
            Assert.Contains("cluster run", ClusterFanOut.Outputs(workers.Take(1)));
            Assert.Contains("planned on this node", ClusterFanOut.Outputs(workers.Take(1)));
            // The planner died: the node that finished the run records it in the history, as it ended.
            var (historyExit, history) = await WorkerProcess.RunAsync(dir.Path, job.Environment("history"), "history", "--config", job.Config);
            Assert.True(historyExit == 0, history);
            Assert.Matches(@"fanout\s+succeeded\s+1,?000,?000\s+1,?000,?000\s+0", history);
        }
        finally
        {
            await StopAsync(workers);
        }

        Assert.Equal("succeeded", Assert.Single(await job.RunsAsync()).State);
        job.AssertExactlyOnce();
    }

    [Fact]
    public async Task A_worker_paused_past_its_claim_commits_nothing_when_it_wakes()
    {
        using var dir = new TempDirectory();
        var job = await ClusterFanOut.CreateAsync(dir, postgres.Server, files: 25, groups: 2, groupRows: 20_000, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4));
        var marker = dir.Combine("halted");
        var release = dir.Combine("release");
        var zombieEnvironment = new Dictionary<string, string>(job.Environment("node-0")) { ["HALT_RELEASE_FILE"] = release };
        var workers = new List<WorkerProcess> { WorkerProcess.StartHalting(dir.Path, zombieEnvironment, JobPoint.AfterOutputCommit, 1, marker, "--config", job.Config) };
        workers.AddRange(Enumerable.Range(1, 2).Select(i => job.StartSlowWorker($"node-{i}", TimeSpan.FromMilliseconds(100))));
        try
        {
            Assert.True(await workers[0].WaitForFileAsync(marker, RunTimeout), "node-0 never scored a partition: " + ClusterFanOut.Outputs(workers));
            var held = Assert.Single(await job.PartitionsAsync(), p => p.Owner == "node-0" && p.State == "claimed");
            // The whole process stops, its claim renewals too, as under a long GC pause or a frozen VM.
            workers[0].Signal("STOP");
            Assert.True(await job.WaitForRunEndAsync(workers.Skip(1).ToList(), RunTimeout), "the run did not end: " + ClusterFanOut.Outputs(workers));
            workers[0].Signal("CONT");
            await File.WriteAllTextAsync(release, "wake up");
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!workers[0].Output.Contains($"partition {held.Partition} is no longer this node's", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Contains($"partition {held.Partition} is no longer this node's", workers[0].Output);
            var taken = Assert.Single(await job.PartitionsAsync(), p => p.Partition == held.Partition);
            Assert.NotEqual("node-0", taken.CommittedBy);
            Assert.True(taken.Epoch > held.Epoch);
        }
        finally
        {
            await StopAsync(workers);
        }

        Assert.Equal("succeeded", Assert.Single(await job.RunsAsync()).State);
        job.AssertExactlyOnce();
    }

    [Fact]
    public async Task A_command_line_run_of_a_job_the_cluster_is_running_is_refused_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        var job = await ClusterFanOut.CreateAsync(dir, postgres.Server, files: 20, groups: 2, groupRows: 2_000, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        // node-0 is held on its first partition until the command line has answered: the run is in progress throughout.
        var gate = job.CloseGate();
        var workers = new List<WorkerProcess> { job.StartHeldWorker("node-0", TimeSpan.FromMilliseconds(50), gate) };
        (int ExitCode, string Output) cli;
        try
        {
            Assert.True(await job.WaitForClaimAsync("node-0", RunTimeout), "node-0 never claimed a partition: " + ClusterFanOut.Outputs(workers));
            // The planner holds the output lease no longer: only the runs table can keep this run out.
            cli = await WorkerProcess.RunAsync(dir.Path, job.Environment("cli"), "run", ClusterFanOut.Job, "--config", job.Config);
            File.Delete(gate);
            Assert.True(await job.WaitForRunEndAsync(workers, RunTimeout), "the run did not end: " + ClusterFanOut.Outputs(workers));
        }
        finally
        {
            await StopAsync(workers);
        }

        Assert.Equal(1, cli.ExitCode);
        Assert.Matches($"Job '{ClusterFanOut.Job}': cluster '[^']+' is running it \\(run [^ ]+, planned by node-0\\) into the same output; nothing was run", cli.Output);
        Assert.DoesNotContain("   at ", cli.Output);
        Assert.Equal("succeeded", Assert.Single(await job.RunsAsync()).State);
        Assert.All(await job.PartitionsAsync(), p => Assert.Equal("node-0", p.CommittedBy));
        job.AssertExactlyOnce();
    }

    [Fact]
    public async Task The_bad_record_limit_holds_over_the_whole_run_and_a_run_over_it_leaves_no_success_marker()
    {
        using var dir = new TempDirectory();
        var job = await ClusterFanOut.CreateAsync(dir, postgres.Server, files: 1, groups: 1, groupRows: 10, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        File.Delete(dir.Combine("in", "part.0.parquet"));
        // Six files of one bad row each: every partition is within MaxBadRecords = 3 on its own, the run is not.
        var header = "id," + string.Join(",", MlNetBatch.Samples.Generator.TabularData.FeatureColumns);
        for (var f = 0; f < 6; f++)
        {
            var lines = Enumerable.Range(f * 20, 20).Select(id => id == f * 20 + 5 ? $"{id},ragged" : $"{id}," + string.Join(",", Enumerable.Repeat("0.5", 16)));
            await File.WriteAllLinesAsync(dir.Combine("in", $"part-{f}.csv"), [header, .. lines]);
        }

        var columns = string.Join(", ", MlNetBatch.Samples.Generator.TabularData.FeatureColumns.Select(c => $"\"{c}\": \"float\""));
        var text = (await File.ReadAllTextAsync(job.Config))
            .Replace("*.parquet\", \"RowGroupsPerPartition\": 1", $"*.csv\", \"Columns\": {{ \"id\": \"long\", {columns} }}", StringComparison.Ordinal)
            .Replace("\"Execution\": {", "\"Execution\": { \"MaxBadRecords\": 3,", StringComparison.Ordinal);
        await File.WriteAllTextAsync(job.Config, text);
        var workers = new List<WorkerProcess> { job.StartWorker("node-0") };
        try
        {
            Assert.True(await job.WaitForRunEndAsync(workers, RunTimeout), "the run did not end: " + ClusterFanOut.Outputs(workers));
        }
        finally
        {
            await StopAsync(workers);
        }

        var output = ClusterFanOut.Outputs(workers);
        Assert.Equal("failed", Assert.Single(await job.RunsAsync()).State);
        Assert.All(await job.PartitionsAsync(), p => Assert.Equal("committed", p.State));
        Assert.Contains("6 bad rows exceed what the job tolerates (MaxBadRecords = 3", output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(File.Exists(Path.Combine(job.Output, OutputCommitLog.SuccessName)), "_SUCCESS written for a run over its limit: " + output);
        // What was committed is kept for the next run.
        var manifest = System.Text.Json.JsonSerializer.Deserialize<JobManifest>(File.ReadAllText(Path.Combine(job.Output, OutputCommitLog.ManifestName)))!;
        Assert.Equal(6, manifest.Partitions.Count);
        Assert.False(manifest.Complete);
    }

    [Fact]
    public async Task A_late_worker_takes_work_and_a_terminated_worker_drains_and_leaves()
    {
        using var dir = new TempDirectory();
        // 60 partitions of at least 250 ms each on nodes of one partition at a time. Each node is held on its first
        // partition until node-2 has joined and node-1 is told to go: a slow machine's process start cannot let the run
        // end before the late node is there.
        var slow = TimeSpan.FromMilliseconds(250);
        var job = await ClusterFanOut.CreateAsync(dir, postgres.Server, files: 30, groups: 2, groupRows: 2_000, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        var gate = job.CloseGate();
        var workers = Enumerable.Range(0, 2).Select(i => job.StartHeldWorker($"node-{i}", slow, gate)).ToList();
        try
        {
            Assert.True(await job.WaitForClaimAsync("node-1", RunTimeout), "node-1 never claimed a partition: " + ClusterFanOut.Outputs(workers));
            // A file lands in the input after the run was planned: not part of this run, and no reason for node-2,
            // which reads the files the planner listed, to stay out of it.
            await MlNetBatch.Samples.Generator.TabularData.WriteParquetAsync(dir.Combine("in", "part.late.parquet"), 1_000_000, 500, 500, seed: 99);
            workers.Add(job.StartHeldWorker("node-2", slow, gate));
            Assert.True(await job.WaitForClaimAsync("node-2", RunTimeout), "the late node-2 never claimed a partition: " + ClusterFanOut.Outputs(workers));
            Assert.True(await job.WaitForClaimAsync("node-1", RunTimeout), "node-1 holds no partition to drain: " + ClusterFanOut.Outputs(workers));
            workers[1].Signal("TERM");
            File.Delete(gate);
            await workers[1].WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(workers[1].ExitCode == 0, workers[1].Output);
            Assert.DoesNotContain((await job.PartitionsAsync()), p => p.Owner == "node-1" && p.State == "claimed");
            Assert.True(await job.WaitForRunEndAsync([workers[0], workers[2]], RunTimeout), "the run did not end: " + ClusterFanOut.Outputs(workers));
        }
        finally
        {
            await StopAsync(workers);
        }

        var partitions = await job.PartitionsAsync();
        Assert.Contains(partitions, p => p.CommittedBy == "node-2");
        Assert.Equal(60, partitions.Count);
        Assert.DoesNotContain("does not score cluster run", ClusterFanOut.Outputs(workers));
        Assert.Equal("succeeded", Assert.Single(await job.RunsAsync()).State);
        job.AssertExactlyOnce();
    }

    [Fact]
    public async Task A_run_completes_when_PostgreSQL_restarts_in_the_middle_of_it()
    {
        // A server of its own: stopping the shared one would break the other tests of the class.
        await using var server = await PostgresServer.StartAsync();
        using var dir = new TempDirectory();
        var job = await ClusterFanOut.CreateAsync(dir, server, files: 40, groups: 2, groupRows: 40_000, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        var workers = Enumerable.Range(0, 2).Select(i => job.StartWorker($"node-{i}")).ToList();
        try
        {
            var deadline = DateTime.UtcNow + RunTimeout;
            IReadOnlyList<(string Partition, string State, string? Owner, string? CommittedBy, long Epoch)> before = [];
            while (DateTime.UtcNow < deadline && !before.Any(p => p.State == "committed"))
            {
                await Task.Delay(50);
                before = await TryPartitionsAsync(job);
            }

            await server.StopServerAsync();
            Assert.Contains(before, p => p.State != "committed");
            await Task.Delay(TimeSpan.FromSeconds(5));
            await server.StartServerAsync();
            Assert.True(await job.WaitForRunEndAsync(workers, RunTimeout), "the run did not end: " + ClusterFanOut.Outputs(workers));
        }
        finally
        {
            await StopAsync(workers);
        }

        Assert.Equal("succeeded", Assert.Single(await job.RunsAsync()).State);
        job.AssertExactlyOnce();
    }

    private static async Task<IReadOnlyList<(string Partition, string State, string? Owner, string? CommittedBy, long Epoch)>> TryPartitionsAsync(ClusterFanOut job)
    {
        try
        {
            return await job.PartitionsAsync();
        }
        catch (Npgsql.NpgsqlException)
        {
            return [];
        }
    }

    private static async Task StopAsync(IEnumerable<WorkerProcess> workers)
    {
        foreach (var worker in workers.Where(w => !w.HasExited))
        {
            worker.Signal("CONT");
            worker.Kill();
        }

        foreach (var worker in workers)
        {
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
