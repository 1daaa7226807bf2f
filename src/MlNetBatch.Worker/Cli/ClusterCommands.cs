using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlNetBatch.Worker.Cluster;
using Npgsql;

namespace MlNetBatch.Worker.Cli;

/// <summary>The <c>cluster</c> commands: what the shared database says about the cluster's nodes.</summary>
internal static class ClusterCommands
{
    /// <summary>Builds <c>cluster status</c>; <paramref name="withHost"/> runs an action on a built host.</summary>
    public static Command Create(Func<ParseResult, CancellationToken, Func<IHost, TextWriter, Task<int>>, Task<int>> withHost)
    {
        var cluster = new Command("cluster", "The nodes sharing this worker's cluster database (MlNetBatch:Cluster).");
        var status = new Command("status", "List the cluster's nodes with their last check-in and what each is running, and the progress of each run in progress.");
        status.SetAction((parse, ct) => withHost(parse, ct, (host, output) => StatusAsync(host, output, ct)));
        cluster.Subcommands.Add(status);
        return cluster;
    }

    private static async Task<int> StatusAsync(IHost host, TextWriter output, CancellationToken cancellationToken)
    {
        var section = host.Services.GetRequiredService<IConfiguration>().GetSection(ClusterOptions.SectionName);
        var options = Hosting.StrictBinding.Read<ClusterOptions>(section);
        if (!options.Enabled)
        {
            await output.WriteLineAsync($"Clustering is off ({ClusterOptions.SectionName}:{nameof(ClusterOptions.Enabled)} is false): this worker schedules its jobs alone.").ConfigureAwait(false);
            return WorkerCommandLine.Failed;
        }

        // The same check the service makes at start: the table prefix goes into the queries, the connection string must exist.
        var failures = Hosting.StrictBinding.Problems<ClusterOptions>(section)
            .Concat(new ClusterOptionsValidator().Validate(null, options).Failures ?? []).ToList();
        if (failures.Count > 0)
        {
            foreach (var failure in failures)
            {
                await output.WriteLineAsync(failure).ConfigureAwait(false);
            }

            return WorkerCommandLine.Failed;
        }

        var connection = ClusterConnection.Resolve(options).ConnectionString!;

        IReadOnlyList<ClusterStatus.Node> nodes;
        IReadOnlyList<Cluster.Runs.ClusterRunProgress.Run> runs;
        try
        {
            nodes = await ClusterStatus.ReadAsync(options, connection, cancellationToken).ConfigureAwait(false);
            runs = await Cluster.Runs.ClusterRunProgress.ReadAsync(options, connection, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            await output.WriteLineAsync($"Cluster '{options.Name}': the database cannot be read ({e.Message}).").ConfigureAwait(false);
            return WorkerCommandLine.Failed;
        }
        catch (ArgumentException e)
        {
            await output.WriteLineAsync($"Cluster '{options.Name}': the connection string is not valid ({e.Message}).").ConfigureAwait(false);
            return WorkerCommandLine.Failed;
        }

        var now = DateTimeOffset.UtcNow;
        await output.WriteLineAsync($"Cluster '{options.Name}': {nodes.Count} node(s)").ConfigureAwait(false);
        foreach (var node in nodes)
        {
            var late = node.IsLate(now, options.CheckInMisfireThreshold) ? " (late: taken for dead)" : string.Empty;
            var running = node.Running.Count == 0 ? "idle" : "running " + string.Join(", ", node.Running);
            var scoring = runs.SelectMany(r => r.InFlightByNode.GetValueOrDefault(node.Id) ?? []).ToList();
            var partitions = scoring.Count == 0 ? string.Empty : $"; scoring partition(s) {string.Join(", ", scoring)}";
            await output.WriteLineAsync($"  {node.Id}: last check-in {(now - node.LastCheckIn).TotalSeconds:N1} s ago{late}; {running}{partitions}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"{runs.Count} run(s) in progress").ConfigureAwait(false);
        foreach (var run in runs)
        {
            await output.WriteLineAsync(
                $"  job {run.Job}, run {run.RunId} (planned by {run.PlannedBy}, {run.State}): {run.Committed} of {run.Total} partitions committed, {run.InFlightByNode.Values.Sum(p => p.Count)} in flight").ConfigureAwait(false);
        }

        return 0;
    }
}
