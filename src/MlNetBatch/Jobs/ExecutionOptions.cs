namespace MlNetBatch.Jobs;

/// <summary>How a job runs.</summary>
public sealed class ExecutionOptions
{
    /// <summary>Partitions processed at the same time.</summary>
    /// <value>The default is the number of processors, and at least 2, so that reading, scoring and writing of neighbouring partitions overlap.</value>
    public int Parallelism { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Threads that run block preprocessing stages (see <c>Preprocess</c>) while partitions score; shared by the
    /// partitions of every job configured with the same count.
    /// </summary>
    /// <value>The default, 0, is every core but one, leaving the scorer its core.</value>
    public int PreprocessThreads { get; set; }

    /// <summary>
    /// Whether block preprocessing stages on the worker pool hand a partition's rows on in input order. A job does not
    /// need it (each partition is one file, committed whole, every row written once), so by default blocks go on as
    /// they finish and a slow block does not hold back the others, as in Ray Data; turn it on to keep each output file
    /// in its input's row order. Stages that run on the consumer's thread keep the order either way.
    /// </summary>
    /// <value>The default is false.</value>
    public bool PreserveRowOrder { get; set; }

    /// <summary>
    /// Bad rows (unparseable values, ragged lines, invalid JSON) tolerated before the job gives up; they go to the
    /// quarantine beside the output. The job gives up when bad rows exceed the larger of this and
    /// <see cref="MaxBadRecordRatio"/> times the rows read.
    /// </summary>
    /// <value>The default is 0: strict, the first bad row fails the job.</value>
    public long MaxBadRecords { get; set; }

    /// <summary>Bad rows tolerated as a fraction of the rows read (0.01 = 1 %).</summary>
    /// <value>The default is 0.</value>
    public double MaxBadRecordRatio { get; set; }

    /// <summary>Times a partition that failed for a transient reason (timeouts, dropped connections) is tried again.</summary>
    /// <value>The default is 2.</value>
    public int PartitionRetries { get; set; } = 2;

    /// <summary>The first delay before a partition is retried; later delays grow exponentially, with jitter.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest one attempt at a partition may take: an attempt past it is cancelled and counts as a transient
    /// failure, tried again up to <see cref="PartitionRetries"/> times, after which the run fails naming the partition.
    /// A partition stuck on a hung store or model then ends, and in a cluster is no longer held by its node forever.
    /// </summary>
    /// <value>The default, zero, sets no limit.</value>
    public TimeSpan PartitionTimeout { get; set; }

    /// <summary>
    /// On shutdown (SIGTERM, Ctrl-C, a scheduler interrupt) no new partition starts; partitions in flight get this long
    /// to finish and commit, after which they are abandoned without visible output and resumed by the next run.
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a run's hold on the output directory lasts without renewal (it is renewed while the run lives);
    /// after a crash, the next run can start once this has passed.
    /// </summary>
    /// <value>The default is 2 minutes.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>What the scheduler does when a scheduled run was missed (the worker was down, the previous run overran).</summary>
    /// <value>The default is <see cref="MisfirePolicy.FireOnceNow"/>.</value>
    public MisfirePolicy Misfire { get; set; } = MisfirePolicy.FireOnceNow;
}
