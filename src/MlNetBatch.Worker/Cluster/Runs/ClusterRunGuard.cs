using Microsoft.Extensions.Configuration;
using Npgsql;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>
/// Keeps a <c>run</c> from the command line off a job whose cluster run is in progress. The cluster holds the job's
/// output lease only while it plans and finishes a run, so between those the lease alone would let a second writer in
/// next to the nodes; the runs table says whether one is under way.
/// </summary>
internal static class ClusterRunGuard
{
    /// <summary>Why <paramref name="job"/> must not run from the command line now, or null when it may.</summary>
    public static async Task<string?> RefusalAsync(IConfiguration configuration, string job, CancellationToken cancellationToken)
    {
        var options = Hosting.StrictBinding.Read<ClusterOptions>(configuration.GetSection(ClusterOptions.SectionName));
        // A worker without the cluster's connection string is not one of its nodes: nothing to ask.
        if (!options.Enabled || ClusterConnection.Resolve(options).ConnectionString is not { } connection)
        {
            return null;
        }

        try
        {
            await using var database = NpgsqlDataSource.Create(connection);
            var run = await new ClusterRunStore(database, options.Name, options.TablePrefix).ActiveRunAsync(job, cancellationToken).ConfigureAwait(false);
            return run is null
                ? null
                : $"Job '{job}': cluster '{options.Name}' is running it (run {run.RunId}, planned by {run.PlannedBy}) into the same output; nothing was run. Follow it with 'cluster status', and run the job again when that run has ended.";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No node has started yet: the cluster has never run anything.
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            return $"Job '{job}': clustering is on and the cluster database cannot be read to check for a run in progress ({e.Message}); nothing was run.";
        }
    }
}
