namespace MlNetBatch.Benchmarks.Cluster;

/// <summary>
/// The cluster benchmark's table: each figure as median (min–max) over the runs, every clustered run set against
/// the plain run of the same round; and the partition and run sizes that keep coordination under 2 % of the work.
/// </summary>
internal static class ClusterReport
{
    private const double Budget = 0.02;

    public static void Print(
        IReadOnlyList<(string Label, int Nodes)> settings, IReadOnlyDictionary<int, List<ClusterSample>> samples,
        IReadOnlyDictionary<int, List<ClusterSample>> tiny, ClusterBenchJob job, ClusterBenchJob tinyJob)
    {
        Console.WriteLine();
        Console.WriteLine($"  {job.Partitions} partitions of {job.PartitionRows:N0} rows; median (min–max) over {samples[0].Count} runs. Extra = beyond the plain run of the same round;");
        Console.WriteLine("  whole run = planning to _SUCCESS; steady = first commit to last commit (without the run's start and end)");
        Console.WriteLine($"  {"",-20} {"rows/s",-28} {"wall s",-20} {"extra ms/partition",-22} {"extra, whole run",-24} {"extra ms/part., steady",-22} {"extra, steady",-24} {"fire→run row ms",-18} {"fire→1st claim ms",-18} {"claim gap ms",-18} {"partition ms",-18}");
        foreach (var (label, nodes) in settings)
        {
            var runs = samples[nodes];
            var plain = samples[0];
            Console.WriteLine($"  {label,-20} {F(runs, s => s.RowsPerSecond, "N0"),-28} {F(runs, s => s.Wall.TotalSeconds, "N2"),-20} " +
                $"{Spread.Of(PerPartition(runs, plain, job)).Format("N2"),-22} {Spread.Of(runs.Zip(plain, (r, p) => (r.Wall - p.Wall) / p.Wall)).Format("P1"),-24} " +
                $"{Spread.Of(SteadyPerPartition(runs, plain, job)).Format("N2"),-22} {Spread.Of(runs.Zip(plain, (r, p) => (r.CommitSpan - p.CommitSpan) / p.CommitSpan)).Format("P1"),-24} " +
                $"{F(Clustered(runs), s => s.Planning!.Value.TotalMilliseconds, "N0"),-18} {F(Clustered(runs), s => s.ToFirstClaim!.Value.TotalMilliseconds, "N0"),-18} {F(Clustered(runs), s => Spread.Of(s.ClaimGapsMs!).Median, "N1"),-18} " +
                $"{F(Clustered(runs), s => Spread.Of(s.PartitionMs!).Median, "N1"),-18}");
        }

        Console.WriteLine();
        Console.WriteLine($"  {tinyJob.Partitions} partitions of {tinyJob.PartitionRows} rows (a partition is almost all overhead)");
        Console.WriteLine($"  {"",-20} {"partitions/s, steady",-28} {"partitions/s, whole run",-26} {"wall s",-20} {"extra ms/partition",-22} {"extra ms/part., steady",-22} {"claim gap ms",-18} {"partition ms",-18}");
        foreach (var (label, nodes) in settings)
        {
            var runs = tiny[nodes];
            Console.WriteLine($"  {label,-20} {F(runs, s => s.SteadyPartitionsPerSecond, "N0"),-28} {F(runs, s => s.PartitionsPerSecond, "N0"),-26} {F(runs, s => s.Wall.TotalSeconds, "N2"),-20} " +
                $"{Spread.Of(PerPartition(runs, tiny[0], tinyJob)).Format("N2"),-22} {Spread.Of(SteadyPerPartition(runs, tiny[0], tinyJob)).Format("N2"),-22} " +
                $"{F(Clustered(runs), s => Spread.Of(s.ClaimGapsMs!).Median, "N1"),-18} {F(Clustered(runs), s => Spread.Of(s.PartitionMs!).Median, "N1"),-18}");
        }

        PrintSizing(settings, samples, job);
    }

    /// <summary>
    /// Coordination under 2 %: a partition must take 50 times its own coordination (the steady extra wall time per
    /// partition, which does not grow with the partition's rows), and a run 50 times the once-per-run rest.
    /// </summary>
    private static void PrintSizing(IReadOnlyList<(string Label, int Nodes)> settings, IReadOnlyDictionary<int, List<ClusterSample>> samples, ClusterBenchJob job)
    {
        var plain = samples[0];
        var plainPartitionMs = Spread.Of(plain.Select(p => p.CommitSpan.TotalMilliseconds / (job.Partitions - 1))).Median;
        Console.WriteLine();
        Console.WriteLine($"  plain: a partition of {job.PartitionRows:N0} rows adds {plainPartitionMs:N1} ms to the run's wall time (steady state)");
        foreach (var (label, nodes) in settings.Where(s => s.Nodes > 0))
        {
            var extra = Spread.Of(SteadyPerPartition(samples[nodes], plain, job)).Median;
            var perRun = Spread.Of(samples[nodes].Zip(plain, (r, p) => (r.Wall - p.Wall).TotalSeconds - (r.CommitSpan - p.CommitSpan).TotalSeconds)).Median;
            var rows = Math.Max(0, extra) / Budget / plainPartitionMs * job.PartitionRows;
            Console.WriteLine($"  {label}: {extra:N2} ms extra per partition -> under 2 % from about {rows:N0} rows of this model per partition " +
                $"({Math.Max(0, extra) / Budget:N0} ms of the run's wall time per partition, that times the slots on one core); " +
                $"{perRun:N2} s extra once per run -> under 2 % for runs of at least {Math.Max(0, perRun) / Budget:N0} s");
        }
    }

    private static string F(IEnumerable<ClusterSample> runs, Func<ClusterSample, double> figure, string format) => Spread.Of(runs.Select(figure)).Format(format);

    /// <summary>Each run's wall time beyond the plain run of the same round, per partition, in milliseconds.</summary>
    private static IEnumerable<double> PerPartition(IReadOnlyList<ClusterSample> runs, IReadOnlyList<ClusterSample> plain, ClusterBenchJob job) =>
        runs.Zip(plain, (r, p) => (r.Wall - p.Wall).TotalMilliseconds / job.Partitions);

    /// <summary>The same between the first and the last commit: per partition, without the run's start and end.</summary>
    private static IEnumerable<double> SteadyPerPartition(IReadOnlyList<ClusterSample> runs, IReadOnlyList<ClusterSample> plain, ClusterBenchJob job) =>
        runs.Zip(plain, (r, p) => (r.CommitSpan - p.CommitSpan).TotalMilliseconds / (job.Partitions - 1));

    private static IEnumerable<ClusterSample> Clustered(IEnumerable<ClusterSample> runs) => runs.Where(s => s.ClaimGapsMs is not null);
}
