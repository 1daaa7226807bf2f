using System.Globalization;
using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Benchmarks.Cluster;

/// <summary>
/// One input of the cluster benchmark: <see cref="Partitions"/> row groups of <see cref="PartitionRows"/> rows of the
/// sample tabular model's 16 features, one partition each, and the worker configuration files that score it, plain
/// (the <c>run</c> command) or clustered (a cron schedule that fires once, at a time the bench chooses).
/// </summary>
internal sealed class ClusterBenchJob
{
    public const string Name = "bench";

    private readonly string _folder;
    private readonly string _model;

    private ClusterBenchJob(string folder, string model, int partitions, int partitionRows)
    {
        _folder = folder;
        _model = model;
        Partitions = partitions;
        PartitionRows = partitionRows;
    }

    public int Partitions { get; }

    public int PartitionRows { get; }

    public long Rows => (long)Partitions * PartitionRows;

    /// <summary>Writes the input under <paramref name="folder"/>: several row groups per file, as files usually hold.</summary>
    public static async Task<ClusterBenchJob> WriteAsync(string folder, string model, int partitions, int partitionRows)
    {
        // Ten row groups per file when there are many (the tiny-partition case), else two as in the cluster tests.
        var groups = partitions % 10 == 0 && partitions >= 100 ? 10 : partitions % 2 == 0 ? 2 : 1;
        Directory.CreateDirectory(Path.Combine(folder, "in"));
        for (var f = 0; f < partitions / groups; f++)
        {
            await TabularData.WriteParquetAsync(Path.Combine(folder, "in", $"part.{f:D4}.parquet"), (long)f * groups * partitionRows, groups * partitionRows, partitionRows, seed: f + 1);
        }

        return new ClusterBenchJob(folder, model, partitions, partitionRows);
    }

    /// <summary>A configuration for the <c>run</c> command on one node, writing to <paramref name="output"/>.</summary>
    public string WritePlainConfig(string path, string output, int parallelism) => Write(path, output, parallelism, cluster: null, schedule: null);

    /// <summary>
    /// A clustered configuration whose job fires once, at <paramref name="fire"/> (local time, whole seconds), each
    /// node scoring <paramref name="parallelism"/> partitions at a time.
    /// </summary>
    public string WriteClusterConfig(string path, string output, int parallelism, DateTime fire)
    {
        // A claim lifetime far above a run's length: no renewal moves heartbeat_at, which then stays the claim's time.
        var cluster = $$"""
            "Cluster": { "Enabled": true, "CheckInInterval": "00:00:01", "IdleWaitTime": "00:00:01", "PartitionClaimLifetime": "00:10:00", "Parallelism": {{parallelism}} },
            """;
        return Write(path, output, parallelism, cluster, $"{fire.Second} {fire.Minute} {fire.Hour} * * ?");
    }

    private string Write(string path, string output, int parallelism, string? cluster, string? schedule)
    {
        var features = string.Join(", ", TabularData.FeatureColumns.Select(c => $"\"{c}\""));
        var scheduleLine = schedule is null ? string.Empty : $"\"Schedule\": \"{schedule}\",";
        File.WriteAllText(path, $$"""
            {
              "Serilog": { "MinimumLevel": { "Default": "Warning" }, "WriteTo": [ { "Name": "Console" } ] },
              "MlNetBatch": { {{cluster}} "Jobs": {
                "{{Name}}": {
                  {{scheduleLine}}
                  "Source": { "Path": "{{Path.Combine(_folder, "in", "*.parquet")}}", "RowGroupsPerPartition": 1 },
                  "Preprocess": [ { "Transform": "Concatenate", "OutputColumn": "features", "InputColumns": [ {{features}} ] } ],
                  "Model": { "ModelPath": "{{_model}}", "Device": "Cpu" },
                  "Sink": { "Path": "{{output}}", "Columns": [ "id", "probabilities", "label" ] },
                  "Execution": { "Parallelism": {{parallelism.ToString(CultureInfo.InvariantCulture)}} }
                }
              } }
            }
            """);
        return path;
    }
}
