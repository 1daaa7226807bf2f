using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Hosting;
using MlNetBatch.Worker.Scheduling;
using Quartz;

namespace MlNetBatch.Tests.Worker;

/// <summary>
/// The real host in service mode over a <c>--config</c> file that the test edits while it runs: jobs are added,
/// rescheduled and deleted without a restart, an invalid edit leaves the previous schedule, and a running job is not
/// touched by an edit.
/// </summary>
[Collection(InProcessWorkerHostCollection.Name)]
public class LiveJobEditTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Jobs_added_changed_and_removed_in_the_config_file_are_scheduled_rescheduled_and_deleted_without_a_restart()
    {
        using var dir = new TempDirectory();
        var file = new EditedConfig(dir);
        file.Jobs["first"] = Scheduled(dir, "first", "0 0 3 * * ?");
        using var host = await file.StartHostAsync();
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            Assert.Equal("0 0 3 * * ?", await CronOfAsync(scheduler, "first"));

            file.Jobs["second"] = Scheduled(dir, "second", "0 0 4 * * ?");
            await file.SaveAsync();
            await EventuallyAsync(async () => await CronOfAsync(scheduler, "second") == "0 0 4 * * ?", "the added job was never scheduled");
            await file.WaitForLogAsync("Job second added from the configuration: runs on '0 0 4 * * ?'");

            file.Jobs["second"]["Schedule"] = "0 30 5 * * ?";
            await file.SaveAsync();
            await EventuallyAsync(async () => await CronOfAsync(scheduler, "second") == "0 30 5 * * ?", "the changed job was never rescheduled");
            await file.WaitForLogAsync("Job second changed from the configuration: runs on '0 30 5 * * ?'");

            file.Jobs.Remove("second");
            await file.SaveAsync();
            await EventuallyAsync(async () => !await scheduler.Exists(new JobKey("second", SchedulingServiceCollectionExtensions.JobGroup)), "the removed job was never deleted");
            await file.WaitForLogAsync("Job second was removed from the configuration");
            Assert.False(host.Services.GetRequiredService<ScheduledJobs>().TryGet("second", out _));
            Assert.Equal("0 0 3 * * ?", await CronOfAsync(scheduler, "first"));
            // Edits of other jobs leave it alone.
            await file.WaitForLogAsync("Job first runs on '0 0 3 * * ?'");
            Assert.DoesNotContain("Job first changed", file.ReadLog());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task An_invalid_edit_is_rejected_with_the_validators_message_and_the_previous_schedule_stays()
    {
        using var dir = new TempDirectory();
        var file = new EditedConfig(dir);
        file.Jobs["first"] = Scheduled(dir, "first", "0 0 3 * * ?");
        using var host = await file.StartHostAsync();
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

            file.Jobs["first"]["Schedule"] = "0 0 25 * * ?";
            await file.SaveAsync();
            await file.WaitForLogAsync(
                "Job first: the edit is rejected and its previous definition stays scheduled: MlNetBatch:Jobs:first:Schedule: '0 0 25 * * ?' is not a valid cron expression");
            Assert.Equal("0 0 3 * * ?", await CronOfAsync(scheduler, "first"));
            Assert.True(host.Services.GetRequiredService<ScheduledJobs>().TryGet("first", out var kept));
            Assert.Equal("0 0 3 * * ?", kept.Schedule);

            // A save that is not JSON at all is rejected too, instead of emptying the schedule.
            await file.SaveRawAsync("{ \"MlNetBatch\": { \"Jobs\": ");
            await file.WaitForLogAsync("is rejected, the jobs keep their previous definitions");
            Assert.Equal("0 0 3 * * ?", await CronOfAsync(scheduler, "first"));

            // The service still follows the file once it is valid again.
            file.Jobs["first"]["Schedule"] = "0 0 6 * * ?";
            await file.SaveAsync();
            await EventuallyAsync(async () => await CronOfAsync(scheduler, "first") == "0 0 6 * * ?", "a valid edit after a rejected one was not applied");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_job_running_during_an_edit_finishes_with_the_definition_it_started_with()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 500, 200, seed: 3);
        var file = new EditedConfig(dir);
        file.Jobs["slow"] = WorkerConfigFiles.Job(dir.Combine("in.parquet"), dir.Combine("out-old"));
        var gate = new GateObserver(JobPoint.DuringScoring);
        using var host = await file.StartHostAsync(services => services.AddSingleton<IJobObserver>(gate));
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            var done = new CompletionListener();
            scheduler.ListenerManager.AddJobListener(done);
            await scheduler.TriggerJob(new JobKey("slow", SchedulingServiceCollectionExtensions.JobGroup));
            Assert.True(await gate.Arrived.WaitAsync(TimeSpan.FromMinutes(2)), "the job never started scoring");

            file.Jobs["slow"]["Sink"]!["Path"] = dir.Combine("out-new");
            await file.SaveAsync();
            var jobs = host.Services.GetRequiredService<ScheduledJobs>();
            await EventuallyAsync(() => Task.FromResult(jobs.TryGet("slow", out var job) && job.Sink.Path == dir.Combine("out-new")), "the edit was never applied");
            gate.Release();
            var (result, error) = await done.Completion.WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Null(error);
            Assert.Equal(dir.Combine("out-old"), Assert.IsType<JobRunSummary>(result).OutputDirectory);
            Assert.True(File.Exists(dir.Combine("out-old", "_SUCCESS")));
            Assert.False(Directory.Exists(dir.Combine("out-new")));
        }
        finally
        {
            gate.Release();
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_job_added_to_appsettings_json_is_scheduled_by_the_running_worker_process()
    {
        using var dir = new TempDirectory();
        var settings = dir.Combine("appsettings.json");
        var jobs = new Dictionary<string, JsonObject> { ["first"] = Scheduled(dir, "first", "0 0 3 * * ?") };
        File.Move(await WorkerConfigFiles.WriteAsync(dir, "initial", Copy(jobs)), settings);
        using var worker = WorkerProcess.Start(dir.Path, null);
        await WaitForOutputAsync(worker, "Job first runs on '0 0 3 * * ?'");

        jobs["second"] = Scheduled(dir, "second", "0 0 4 * * ?");
        var edited = await WorkerConfigFiles.WriteAsync(dir, "edited", Copy(jobs));
        File.Move(edited, settings, overwrite: true);

        await WaitForOutputAsync(worker, "Job second added from the configuration: runs on '0 0 4 * * ?'");

        // A half-written save of appsettings.json is rejected: its jobs stay scheduled.
        await File.WriteAllTextAsync(settings, "{ \"MlNetBatch\": { \"Jobs\": ");
        await WaitForOutputAsync(worker, "is rejected, the jobs keep their previous definitions");
        jobs["third"] = Scheduled(dir, "third", "0 0 5 * * ?");
        File.Move(await WorkerConfigFiles.WriteAsync(dir, "again", Copy(jobs)), settings, overwrite: true);
        await WaitForOutputAsync(worker, "Job third added from the configuration");
        Assert.DoesNotContain("was removed from the configuration", worker.Output);
        Assert.False(worker.HasExited, worker.Output);
    }

    private static Dictionary<string, JsonObject> Copy(Dictionary<string, JsonObject> jobs) =>
        jobs.ToDictionary(j => j.Key, j => j.Value.DeepClone().AsObject());

    private static async Task WaitForOutputAsync(WorkerProcess worker, string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!worker.Output.Contains(line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !worker.HasExited, $"the worker never said \"{line}\":\n{worker.Output}");
            await Task.Delay(50);
        }
    }

    private static JsonObject Scheduled(TempDirectory dir, string name, string cron)
    {
        var job = WorkerConfigFiles.Job(dir.Combine($"{name}.parquet"), dir.Combine($"{name}-out"));
        job["Schedule"] = cron;
        return job;
    }

    private static async Task<string?> CronOfAsync(IScheduler scheduler, string job) =>
        (await scheduler.GetTrigger(new TriggerKey($"{job}-schedule", SchedulingServiceCollectionExtensions.JobGroup)) as ICronTrigger)?.CronExpressionString;

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }

    /// <summary>The <c>--config</c> file: its jobs, saved atomically as an editor would, and the log the host writes.</summary>
    private sealed class EditedConfig(TempDirectory dir)
    {
        public Dictionary<string, JsonObject> Jobs { get; } = [];

        private string Path => dir.Combine("jobs.json");

        private string Log => dir.Combine("worker.log");

        public async Task<IHost> StartHostAsync(Action<IServiceCollection>? services = null)
        {
            await SaveAsync();
            var builder = WorkerHost.CreateBuilder([], Path, withScheduler: true);
            services?.Invoke(builder.Services);
            var host = builder.Build();
            await host.StartAsync();
            return host;
        }

        public Task SaveAsync()
        {
            var root = new JsonObject
            {
                ["Serilog"] = JsonNode.Parse($$"""
                    { "MinimumLevel": { "Default": "Information", "Override": { "Microsoft": "Warning", "Quartz": "Warning" } },
                      "WriteTo": [ { "Name": "File", "Args": { "path": {{System.Text.Json.JsonSerializer.Serialize(Log)}} } } ] }
                    """),
                ["MlNetBatch"] = new JsonObject { ["Jobs"] = new JsonObject(Jobs.Select(j => KeyValuePair.Create(j.Key, (JsonNode?)j.Value.DeepClone()))) },
            };
            return SaveRawAsync(root.ToJsonString());
        }

        /// <summary>Writes beside the file and renames over it, so the watcher never reads half a file.</summary>
        public async Task SaveRawAsync(string text)
        {
            var temporary = Path + ".tmp";
            await File.WriteAllTextAsync(temporary, text);
            File.Move(temporary, Path, overwrite: true);
        }

        public async Task WaitForLogAsync(string line)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!ReadLog().Contains(line, StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, $"the log never said \"{line}\":\n{ReadLog()}");
                await Task.Delay(50);
            }
        }

        public string ReadLog()
        {
            if (!File.Exists(Log))
            {
                return string.Empty;
            }

            using var stream = new FileStream(Log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd();
        }
    }

    /// <summary>Holds the first run that reaches <paramref name="point"/> there until released.</summary>
    private sealed class GateObserver(JobPoint point) : IJobObserver
    {
        private readonly SemaphoreSlim _reached = new(0);
        private readonly ManualResetEventSlim _released = new();
        private int _count;

        public SemaphoreSlim Arrived => _reached;

        public void Release() => _released.Set();

        public void Reached(JobPoint reached)
        {
            if (reached == point && Interlocked.Increment(ref _count) == 1)
            {
                _reached.Release();
                _released.Wait(TimeSpan.FromMinutes(2));
            }
        }
    }

    private sealed class CompletionListener : IJobListener
    {
        private readonly TaskCompletionSource<(object? Result, JobExecutionException? Error)> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "test-completion";

        public Task<(object? Result, JobExecutionException? Error)> Completion => _completion.Task;

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            _completion.TrySetResult((context.Result, jobException));
            return ValueTask.CompletedTask;
        }
    }
}
