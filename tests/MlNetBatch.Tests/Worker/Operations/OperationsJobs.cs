using System.Net;
using System.Net.Sockets;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Worker.Operations;

/// <summary>Jobs that succeed or fail on demand, with the history in the test's own directory, for the history and health tests.</summary>
internal static class OperationsJobs
{
    /// <summary>A job over <c>{name}.parquet</c> in <paramref name="dir"/>, with the state directory there too.</summary>
    public static Dictionary<string, string?> Settings(TempDirectory dir, string name, string? schedule = null)
    {
        var settings = JobConfiguration.TabularJob(name, dir.Combine($"{name}.parquet"), RepositoryPaths.SampleModel, dir.Combine($"{name}-out"), schedule);
        settings["MlNetBatch:StateDirectory"] = dir.Combine("state");
        return settings;
    }

    /// <summary>Makes the job's input readable: 300 rows.</summary>
    public static Task MakeGoodAsync(TempDirectory dir, string name) => TabularData.WriteParquetAsync(dir.Combine($"{name}.parquet"), 0, 300, 300, seed: 5);

    /// <summary>Makes the job's input unreadable, so that its next run fails.</summary>
    public static Task MakeBrokenAsync(TempDirectory dir, string name) => File.WriteAllTextAsync(dir.Combine($"{name}.parquet"), "not parquet at all");

    /// <summary>Runs a worker command in this process, with a new host, as a separate invocation would.</summary>
    public static async Task<(int Exit, string Output)> InvokeAsync(Dictionary<string, string?> settings, params string[] args)
    {
        var output = new StringWriter();
        var exit = await WorkerCommandLine.Create(JobConfiguration.With(settings), output).Parse(args).InvokeAsync();
        return (exit, output.ToString());
    }

    /// <summary>A TCP port free on the loopback interface now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
