using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Hosting;
using MlNetBatch.Worker.Scheduling;
using Quartz;

namespace MlNetBatch.Tests.Worker;

/// <summary>
/// One invalid job does not stop the others: <c>run</c> checks the job it runs (and what all jobs share), the service
/// schedules the valid jobs and reports the others, and <c>validate</c> still reports every problem.
/// </summary>
[Collection(InProcessWorkerHostCollection.Name)]
public class PerJobValidationTests
{
    private const string BadCron = "0 0 25 * * ?";
    private const string BadCronProblem = "MlNetBatch:Jobs:bad:Schedule: '0 0 25 * * ?' is not a valid cron expression";

    [Fact]
    public async Task Run_of_a_valid_job_succeeds_when_another_job_in_the_file_is_invalid()
    {
        using var dir = new TempDirectory();
        var config = await GoodAndBadAsync(dir);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "good", "--config", config);

        Assert.True(exit == 0, output);
        Assert.Contains("Job 'good': ", output);
        Assert.DoesNotContain("MlNetBatch:Jobs:bad", output);
        Assert.True(File.Exists(dir.Combine("good-out", "_SUCCESS")));
    }

    [Fact]
    public async Task Run_of_the_invalid_job_fails_with_its_own_problem_only()
    {
        using var dir = new TempDirectory();
        var config = await GoodAndBadAsync(dir);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "bad", "--config", config);

        WorkerConfigFiles.AssertOneErrorLine(exit, output, BadCronProblem);
        Assert.False(Directory.Exists(dir.Combine("bad-out")));
    }

    [Fact]
    public async Task Validate_still_fails_and_lists_the_invalid_job()
    {
        using var dir = new TempDirectory();
        var config = await GoodAndBadAsync(dir);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "validate", "--config", config);

        WorkerConfigFiles.AssertOneErrorLine(exit, output, BadCronProblem);
    }

    [Fact]
    public async Task List_shows_the_valid_jobs_then_the_invalid_ones_problems()
    {
        using var dir = new TempDirectory();
        var config = await GoodAndBadAsync(dir);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "list", "--config", config);

        Assert.True(exit == 1, output);
        Assert.Contains("good\t0 0 3 * * ?\tnext: ", output);
        Assert.Contains(BadCronProblem, output);
        Assert.DoesNotContain("bad\t", output);
    }

    [Fact]
    public async Task A_problem_every_job_shares_still_stops_run_of_a_valid_job()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 300, 100, seed: 1);
        var storage = new JsonObject { ["Http"] = new JsonObject { ["Timeoutt"] = "00:00:10" } };
        var config = await WorkerConfigFiles.WriteAsync(dir, "jobs", new Dictionary<string, JsonObject> { ["good"] = WorkerConfigFiles.Job(dir.Combine("in.parquet"), dir.Combine("good-out")) }, storage);

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, null, "run", "good", "--config", config);

        WorkerConfigFiles.AssertOneErrorLine(exit, output, "MlNetBatch:Storage:Http:Timeoutt");
        Assert.False(Directory.Exists(dir.Combine("good-out")));
    }

    [Fact]
    public async Task The_service_starts_with_an_invalid_job_schedules_the_valid_ones_and_reports_the_other_on_one_line()
    {
        using var dir = new TempDirectory();
        var config = await GoodAndBadAsync(dir);
        var log = dir.Combine("worker.log");
        var builder = WorkerHost.CreateBuilder([], config, withScheduler: true, JobConfiguration.With(new Dictionary<string, string?>
        {
            ["Serilog:WriteTo:0:Name"] = "File",
            ["Serilog:WriteTo:0:Args:path"] = log,
        }));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

            Assert.True(await scheduler.Exists(new JobKey("good", SchedulingServiceCollectionExtensions.JobGroup)));
            Assert.NotNull(await scheduler.GetTrigger(new TriggerKey("good-schedule", SchedulingServiceCollectionExtensions.JobGroup)));
            Assert.False(await scheduler.Exists(new JobKey("bad", SchedulingServiceCollectionExtensions.JobGroup)));
        }
        finally
        {
            await host.StopAsync();
        }

        var lines = (await File.ReadAllLinesAsync(log)).Where(l => l.Contains("Job bad", StringComparison.Ordinal)).ToList();
        Assert.Contains($"Job bad is not scheduled: {BadCronProblem}", Assert.Single(lines));
    }

    /// <summary>A file with a valid job and one whose schedule never parses; returns its path.</summary>
    private static async Task<string> GoodAndBadAsync(TempDirectory dir)
    {
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 300, 100, seed: 1);
        var good = WorkerConfigFiles.Job(dir.Combine("in.parquet"), dir.Combine("good-out"));
        good["Schedule"] = "0 0 3 * * ?";
        var bad = WorkerConfigFiles.Job(dir.Combine("in.parquet"), dir.Combine("bad-out"));
        bad["Schedule"] = BadCron;
        return await WorkerConfigFiles.WriteAsync(dir, "jobs", new Dictionary<string, JsonObject> { ["good"] = good, ["bad"] = bad });
    }
}
