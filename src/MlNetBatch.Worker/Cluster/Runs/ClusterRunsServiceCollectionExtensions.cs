using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MlNetBatch.Worker.Cluster.Runs;

/// <summary>Registers the fan-out of scheduled runs' partitions over a cluster's nodes.</summary>
internal static class ClusterRunsServiceCollectionExtensions
{
    /// <summary>Adds the cluster's run store, this node's partition worker, and the planner that Quartz's jobs call.</summary>
    public static IServiceCollection AddClusterRuns(this IServiceCollection services, ClusterOptions cluster, string connectionString)
    {
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton(sp => new ClusterRunStore(sp.GetRequiredService<NpgsqlDataSource>(), cluster.Name, cluster.TablePrefix, cluster.CreateSchema));
        services.AddSingleton<ClusterNodeRuns>();
        services.AddSingleton<ClusterRunFinisher>();
        services.AddSingleton<ClusterJobRuns>();
        services.AddHostedService<ClusterPartitionWorker>();
        return services;
    }
}
