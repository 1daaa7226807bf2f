using System.Diagnostics;
using System.Text.Json;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>A real worker paused (SIGSTOP) past its lease, whose output another worker took over and finished.</summary>
public class ZombieWorkerTests
{
    [Fact]
    public async Task A_worker_paused_past_its_lease_and_taken_over_commits_nothing_more_when_it_resumes()
    {
        using var dir = new TempDirectory();
        // Enough partitions, scored one at a time, for the run to be stopped in the middle.
        await ExactlyOnceTests.WriteInputAsync(dir, files: 60, rows: 300);
        var config = await TabularJobs.WriteConfigAsync(dir, "zombie", dir.Combine("in", "*.parquet"), dir.Combine("out"), parallelism: 1, leaseDuration: "00:00:03");
        var output = dir.Combine("out");
        using var zombie = WorkerProcess.Start(dir.Path, null, "run", "zombie", "--config", config);
        while (!Directory.Exists(output) || Directory.GetFiles(output, "*.parquet").Length == 0)
        {
            Assert.False(zombie.HasExited, $"the worker finished before it could be paused: {zombie.Output}");
            await Task.Delay(5);
        }

        Signal(zombie.Id, "STOP");
        byte[] manifest;
        string[] files;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            var (exit, log) = await WorkerProcess.RunAsync(dir.Path, null, "run", "zombie", "--config", config);
            Assert.True(exit == 0, log);
            manifest = await File.ReadAllBytesAsync(Path.Combine(output, OutputCommitLog.ManifestName));
            files = Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        }
        finally
        {
            Signal(zombie.Id, "CONT");
        }

        await zombie.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.True(zombie.ExitCode != 0, $"the resumed worker did not fail: {zombie.Output}");
        Assert.Contains("the lease on the output", zombie.Output);

        // Nothing more from the resumed worker: the new holder's manifest as it left it, no file added or removed. (A
        // data file whose commit was past its lease check when the worker stopped may still land: the same scores
        // under the same name.)
        Assert.Equal(manifest, await File.ReadAllBytesAsync(Path.Combine(output, OutputCommitLog.ManifestName)));
        Assert.Equal(files, Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains(OutputCommitLog.SuccessName, files);
        var record = JsonSerializer.Deserialize<JobManifest>(manifest)!;
        Assert.Equal(2, record.Epoch);
        // Partitions the paused worker recorded before it stopped keep its epoch; the rest carry the new holder's.
        Assert.All(record.Partitions.Values, p => Assert.InRange(p.Epoch, 1, 2));
        Assert.Equal(180, record.Partitions.Count);
        ExactlyOnceTests.AssertEveryIdOnce(output, Enumerable.Range(0, 18000));
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
