using Npgsql;
using Quartz;

namespace MlNetBatch.Worker.Cluster;

/// <summary>
/// Points Quartz at its ADO.NET job store on PostgreSQL in clustered mode: the nodes share the triggers, a trigger
/// fires on one node per fire time (Quartz takes a row lock in the database to acquire it), and the jobs a dead node
/// was running are taken over by the others once its check-ins stop.
/// </summary>
internal static class ClusteredJobStore
{
    /// <summary>Configures <paramref name="quartz"/> for the cluster of <paramref name="options"/>, reaching the database with <paramref name="connectionString"/>.</summary>
    public static void Configure(IQuartzBuilder quartz, ClusterOptions options, string connectionString)
    {
        quartz.ConfigureScheduler(scheduler =>
        {
            scheduler.InstanceName = options.Name;
            scheduler.InstanceId = options.ResolvedNodeId;
            // Quartz's default of 30 s would leave work that another node scheduled waiting that long.
            scheduler.IdleWaitTime = options.IdleWaitTime;
        });
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(NpgsqlFactory.Instance, connectionString);
            store.ConfigureStore(ado => ado.TablePrefix = options.TablePrefix);
            store.UseSystemTextJsonSerializer();
            store.UseClustering(clustering =>
            {
                clustering.CheckinInterval = options.CheckInInterval;
                clustering.CheckinMisfireThreshold = options.CheckInMisfireThreshold;
            });
            if (options.CreateSchema)
            {
                // Quartz 4.7 carries its PostgreSQL schema inside Quartz.dll and creates the missing tables itself.
                store.ProvisionSchema();
            }
        });
    }
}
