using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Hosting;
using MlNetBatch.Worker.Scheduling;
using Quartz;

namespace MlNetBatch.Tests.Worker;

[Collection(InProcessWorkerHostCollection.Name)]
public class QuartzSchedulingTests
{
    [Fact]
    public async Task The_host_runs_a_configured_job_when_Quartz_fires_its_trigger()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 500, 200, seed: 3);
        var settings = JobConfiguration.TabularJob("nightly", dir.Combine("in.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"), schedule: "0 0 3 * * ?");
        var builder = WorkerHost.CreateBuilder([], configFile: null, withScheduler: true, JobConfiguration.With(settings));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            var key = new JobKey("nightly", SchedulingServiceCollectionExtensions.JobGroup);
            var trigger = await scheduler.GetTrigger(new TriggerKey("nightly-schedule", SchedulingServiceCollectionExtensions.JobGroup));
            Assert.IsAssignableFrom<ICronTrigger>(trigger);
            Assert.Equal("0 0 3 * * ?", ((ICronTrigger)trigger!).CronExpressionString);

            var done = new CompletionListener();
            scheduler.ListenerManager.AddJobListener(done);
            await scheduler.TriggerJob(key);
            var (result, error) = await done.Completion.WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Null(error);
            var summary = Assert.IsType<JobRunSummary>(result);
            Assert.Equal(500, summary.RowsOut);
            Assert.Equal(3, Directory.GetFiles(dir.Combine("out"), "*.parquet").Length);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void The_Quartz_job_never_overlaps_itself() =>
        Assert.NotNull(typeof(BatchInferenceQuartzJob).GetCustomAttributes(typeof(DisallowConcurrentExecutionAttribute), inherit: true).SingleOrDefault());

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
