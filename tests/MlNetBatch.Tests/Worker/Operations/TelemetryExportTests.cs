using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.History;
using MlNetBatch.Worker.Hosting;
using MlNetBatch.Worker.Scheduling;
using Quartz;

namespace MlNetBatch.Tests.Worker.Operations;

[Collection(InProcessWorkerHostCollection.Name)]
public class TelemetryExportTests
{
    [Fact]
    public async Task The_service_serves_job_run_counters_and_health_on_its_loopback_port()
    {
        using var dir = new TempDirectory();
        var port = OperationsJobs.FreePort();
        // A job name of its own: the meter is process-wide, and other tests' runs are counted too.
        var job = $"scraped{Guid.NewGuid():N}"[..16];
        var settings = OperationsJobs.Settings(dir, job);
        settings["MlNetBatch:Health:FailedRuns"] = "2";
        settings["MlNetBatch:Telemetry:Prometheus:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await OperationsJobs.MakeBrokenAsync(dir, job);
        using var host = WorkerHost.CreateBuilder([], configFile: null, withScheduler: true, JobConfiguration.With(settings)).Build();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await host.StartAsync();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
            await RunScheduledAsync(host, job, times: 2);

            var unhealthy = await http.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
            var report = await unhealthy.Content.ReadAsStringAsync();
            Assert.StartsWith("Unhealthy", report);
            Assert.Contains($"{job}: failed its last 2 run(s)", report);

            var metrics = await http.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.ToString());
            var text = await metrics.Content.ReadAsStringAsync();
            Assert.Equal(2, Sample(text, "mlnetbatch_mlnetbatch_job_runs", job, "failed"));
            Assert.Equal(2, Sample(text, "mlnetbatch_mlnetbatch_job_failures", job, "failed"));

            await OperationsJobs.MakeGoodAsync(dir, job);
            await RunScheduledAsync(host, job, times: 1);

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
            text = await http.GetStringAsync("metrics");
            Assert.Equal(1, Sample(text, "mlnetbatch_mlnetbatch_job_runs", job, "succeeded"));
            Assert.Equal(2, Sample(text, "mlnetbatch_mlnetbatch_job_runs", job, "failed"));
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("elsewhere")).StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_run_exports_its_metrics_over_OTLP_as_the_command_exits()
    {
        using var dir = new TempDirectory();
        var port = OperationsJobs.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = ReceiveAsync(collector, "/v1/metrics");
        var settings = OperationsJobs.Settings(dir, "exported");
        settings["MlNetBatch:Telemetry:Otlp:Endpoint"] = $"http://127.0.0.1:{port}";
        settings["MlNetBatch:Telemetry:Otlp:Protocol"] = "HttpProtobuf";
        await OperationsJobs.MakeGoodAsync(dir, "exported");

        var (exit, output) = await OperationsJobs.InvokeAsync(settings, "run", "exported");

        Assert.True(exit == 0, output);
        // The export interval (60 s) has not passed: the metrics went out as the command's host was disposed.
        var (contentType, body) = await received.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("application/x-protobuf", contentType);
        Assert.NotEmpty(body);
    }

    [Fact]
    public async Task A_taken_port_stops_the_service_with_one_line_naming_the_setting()
    {
        using var dir = new TempDirectory();
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var settings = OperationsJobs.Settings(dir, "idle");
        settings["MlNetBatch:Telemetry:Prometheus:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await OperationsJobs.MakeGoodAsync(dir, "idle");
        var output = new StringWriter();

        var exit = await MlNetBatch.Worker.Cli.WorkerCommandLine.Create(JobConfiguration.With(settings), output).Parse([]).InvokeAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(MlNetBatch.Worker.Cli.WorkerCommandLine.Failed, exit);
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"MlNetBatch:Telemetry:Prometheus: cannot listen on http://127.0.0.1:{port}/", line);
    }

    /// <summary>Answers every request with 200 and returns the first POST to <paramref name="path"/>: its content type and body.</summary>
    private static async Task<(string? ContentType, byte[] Body)> ReceiveAsync(HttpListener listener, string path)
    {
        while (true)
        {
            var context = await listener.GetContextAsync();
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            if (context.Request.HttpMethod == "POST" && context.Request.Url?.AbsolutePath == path)
            {
                return (context.Request.ContentType, body.ToArray());
            }
        }
    }

    /// <summary>Fires the job through Quartz <paramref name="times"/> times, each after the last one is recorded as ended.</summary>
    private static async Task RunScheduledAsync(IHost host, string job, int times)
    {
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var history = host.Services.GetRequiredService<RunHistoryStore>();
        for (var i = 0; i < times; i++)
        {
            var ended = Ended(history, job);
            await scheduler.TriggerJob(new JobKey(job, SchedulingServiceCollectionExtensions.JobGroup));
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (Ended(history, job) == ended)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    private static int Ended(RunHistoryStore history, string job) => history.Recent(job, 100).Count(r => r.Status != RunStatus.Running);

    /// <summary>The value of the sample of <paramref name="metric"/> for the job and status, in the Prometheus text format.</summary>
    private static double Sample(string exposition, string metric, string job, string status)
    {
        var line = exposition.Split('\n').SingleOrDefault(l =>
            Regex.IsMatch(l, $@"^{metric}(_total)?\{{") && l.Contains($"job=\"{job}\"", StringComparison.Ordinal) && l.Contains($"status=\"{status}\"", StringComparison.Ordinal));
        Assert.True(line is not null, $"no {metric} sample for {job} {status} in:\n{exposition}");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
