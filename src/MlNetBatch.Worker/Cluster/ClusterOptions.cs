namespace MlNetBatch.Worker.Cluster;

/// <summary>
/// The <c>MlNetBatch:Cluster</c> section: several workers pointed at one PostgreSQL database share Quartz's clustered
/// job store, so a scheduled job fires once per fire time across them. Off by default: one node, jobs kept in memory.
/// </summary>
/// <remarks>
/// The connection string is a secret and never belongs in appsettings: it is read from the environment variable
/// named by <see cref="ConnectionStringEnvironmentVariable"/>, or from the file at <see cref="ConnectionStringFile"/>
/// (a systemd credential or a mounted Kubernetes secret).
/// </remarks>
public sealed class ClusterOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "MlNetBatch:Cluster";

    /// <summary>Turns clustering on.</summary>
    /// <value>The default is false.</value>
    public bool Enabled { get; set; }

    /// <summary>The environment variable that holds the Npgsql connection string.</summary>
    /// <value>The default is <c>MLNETBATCH_CLUSTER_CONNECTION</c>.</value>
    public string ConnectionStringEnvironmentVariable { get; set; } = "MLNETBATCH_CLUSTER_CONNECTION";

    /// <summary>A file whose content is the connection string; used when the environment variable is not set.</summary>
    public string? ConnectionStringFile { get; set; }

    /// <summary>
    /// The cluster's name: workers with the same name and database are one cluster. Quartz keys every row by it, so
    /// two clusters can share a database.
    /// </summary>
    /// <value>The default is <c>MlNetBatch</c>.</value>
    public string Name { get; set; } = "MlNetBatch";

    /// <summary>This worker's id in the cluster, unique among its nodes; it appears on every log line.</summary>
    /// <value>The default is the host name and process id.</value>
    public string? NodeId { get; set; }

    /// <summary>The prefix of Quartz's tables.</summary>
    /// <value>The default is <c>qrtz_</c>, Quartz's own.</value>
    public string TablePrefix { get; set; } = "qrtz_";

    /// <summary>
    /// How often a node records that it is alive. A node silent for this plus <see cref="CheckInMisfireThreshold"/>
    /// is taken for dead, and the jobs it was running are recovered by another.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan CheckInInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How late a check-in may be before the node is taken for dead.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan CheckInMisfireThreshold { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an idle node waits before it looks for due triggers again. Quartz's default of 30 s would leave work
    /// that another node scheduled waiting that long.
    /// </summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Creates Quartz's tables and MlNetBatch's two work tables on start when they are missing; otherwise a DBA made
    /// them (Quartz's script embedded in Quartz.dll, and <c>ClusterWorkTables</c>' statements).
    /// </summary>
    /// <value>The default is true.</value>
    public bool CreateSchema { get; set; } = true;

    /// <summary>
    /// How long a node's claim on a partition lasts without renewal (a node renews its claims four times per
    /// lifetime). A node silent for longer (killed, paused, cut off) has its partitions taken over by the others,
    /// and its commits refused.
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan PartitionClaimLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the runs table keeps a run that ended (with its partitions' rows), for <c>cluster status</c> and
    /// inquiry; older ones are deleted by the node that plans a run. Run history is kept apart, by each node.
    /// </summary>
    /// <value>The default is 30 days.</value>
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How many partitions of the cluster's runs this node scores at a time.</summary>
    /// <value>The default is the number of processors.</value>
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>This node's id: <see cref="NodeId"/>, or the host name and process id.</summary>
    public string ResolvedNodeId => string.IsNullOrWhiteSpace(NodeId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : NodeId;
}
