using System.Globalization;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using Npgsql;

namespace MlNetBatch.Tests.Worker.Cluster;

/// <summary>
/// One clustered job for the fan-out tests: its input (<c>files</c> × <c>groups</c> row groups of <c>rows</c> rows,
/// one partition each), its configuration with a schedule that fires once, and what the cluster database says of it.
/// </summary>
internal sealed class ClusterFanOut(TempDirectory dir, string connectionString, string config, int rows, TimeSpan firesIn)
{
    public const string Job = "fanout";

    private const string FireTime = "@fire@";
    private readonly Lock _scheduling = new();
    private bool _scheduled;

    /// <summary>
    /// The configuration, its job scheduled to fire <c>firesIn</c> from the first time it is asked for: just before the
    /// first worker starts, so that however slowly the machine creates the input, every worker started then is up
    /// before the fire time.
    /// </summary>
    public string Config
    {
        get
        {
            lock (_scheduling)
            {
                if (!_scheduled)
                {
                    var fire = DateTime.Now + firesIn;
                                File.WriteAllText(config, File.ReadAllText(config).Replace(FireTime, $"{fire.Second} {fire.Minute} {fire.Hour} * * ?", StringComparison.Ordinal));
                    _scheduled = true;
                }

                return config;
            }
        }
    }

    public string ConnectionString => connectionString;

    public string Output => dir.Combine("out");

    public int Rows => rows;

    /// <summary>Writes the input and a configuration whose job fires once, <paramref name="firesIn"/> after its first use.</summary>
    public static async Task<ClusterFanOut> CreateAsync(
        TempDirectory dir, PostgresServer postgres, int files, int groups, int groupRows, TimeSpan firesIn, TimeSpan claimLifetime, int nodeParallelism = 1)
    {
        Directory.CreateDirectory(dir.Combine("in"));
        for (var f = 0; f < files; f++)
        {
            await TabularData.WriteParquetAsync(dir.Combine("in", $"part.{f}.parquet"), (long)f * groups * groupRows, groups * groupRows, groupRows, seed: f + 1);
        }

        var config = await TabularJobs.WriteConfigAsync(dir, Job, dir.Combine("in", "*.parquet"), dir.Combine("out"), leaseDuration: "00:00:20", shutdownGrace: "00:00:20");
        var text = await File.ReadAllTextAsync(config);
        // Two steps that learn from the data (their columns feed nothing): the run stores what they learned, for every node.
        text = text.Replace("\"Preprocess\": [ ", $$"""
                "Preprocess": [ { "Transform": "ReplaceMissingValues", "InputColumns": [ "{{TabularData.FeatureColumns[0]}}" ], "OutputColumn": "filled", "Replacement": "Mean", "FitRows": 1000 },
                { "Transform": "NormalizeMinMax", "InputColumns": [ "{{TabularData.FeatureColumns[1]}}" ], "OutputColumn": "scaled", "FitRows": 1000 },
                """, StringComparison.Ordinal);
        text = text.Replace("\"Execution\":", $"\"Schedule\": \"{FireTime}\", \"Execution\":", StringComparison.Ordinal)
            .Replace("\"MlNetBatch\": {", $$"""
                "MlNetBatch": { "Cluster": { "Enabled": true, "CheckInInterval": "00:00:01", "IdleWaitTime": "00:00:01", "PartitionClaimLifetime": "{{claimLifetime:c}}", "Parallelism": {{nodeParallelism}} },
                """, StringComparison.Ordinal)
            .Replace("\"MinimumLevel\": { \"Default\": \"Warning\" }",
                "\"MinimumLevel\": { \"Default\": \"Warning\", \"Override\": { \"MlNetBatch.Worker\": \"Information\" } }, \"WriteTo\": [ { \"Name\": \"Console\" } ]", StringComparison.Ordinal);
        await File.WriteAllTextAsync(config, text);
        return new ClusterFanOut(dir, await postgres.CreateDatabaseAsync(), config, files * groups * groupRows, firesIn);
    }

    public Dictionary<string, string> Environment(string node) => new()
    {
        ["MLNETBATCH_CLUSTER_CONNECTION"] = connectionString,
        ["MlNetBatch__Cluster__NodeId"] = node,
    };

    public WorkerProcess StartWorker(string node) => WorkerProcess.Start(dir.Path, Environment(node), "--config", Config);

    /// <summary>A worker whose every partition takes <paramref name="delay"/> longer after its output is written: a slow model.</summary>
    public WorkerProcess StartSlowWorker(string node, TimeSpan delay) => StartHeldWorker(node, delay, gate: null);

    /// <summary>Creates the gate file that holds <see cref="StartHeldWorker"/>'s workers on their first partition; delete it to let them go.</summary>
    public string CloseGate()
    {
        var gate = dir.Combine("gate");
        File.WriteAllText(gate, "held");
        return gate;
    }

    /// <summary>
    /// A slow worker that, while the file <paramref name="gate"/> exists, also holds each partition it claims once
    /// its output is written: the test decides when the run may go on.
    /// </summary>
    public WorkerProcess StartHeldWorker(string node, TimeSpan delay, string? gate) => WorkerProcess.StartHalting(
        dir.Path,
        new Dictionary<string, string>(Environment(node))
        {
            ["HALT_DELAY_MS"] = ((int)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["HALT_GATE_FILE"] = gate ?? string.Empty,
        },
        MlNetBatch.Jobs.Observation.JobPoint.AfterOutputCommit,
        int.MaxValue,
        dir.Combine($"never-{node}"),
        "--config",
        Config);

    /// <summary>The runs recorded in the database: id and state.</summary>
    public async Task<IReadOnlyList<(string RunId, string State)>> RunsAsync() =>
        await QueryAsync("SELECT run_id, state FROM qrtz_mlnetbatch_runs ORDER BY started_at", r => (r.GetString(0), r.GetString(1)));

    /// <summary>What the run's planner stored of its preprocessing's fit, as JSON.</summary>
    public async Task<string?> FittedAsync() =>
        (await QueryAsync("SELECT fitted FROM qrtz_mlnetbatch_runs", r => r.IsDBNull(0) ? null : r.GetString(0))).Single();

    /// <summary>Each partition's state, owner, committing node and epoch.</summary>
    public async Task<IReadOnlyList<(string Partition, string State, string? Owner, string? CommittedBy, long Epoch)>> PartitionsAsync() =>
        await QueryAsync(
            "SELECT partition_id, state, owner, committed_by, epoch FROM qrtz_mlnetbatch_partitions ORDER BY ordinal",
            r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(4)));

    /// <summary>Waits until a run ended; false when <paramref name="timeout"/> passes first or every worker exited.</summary>
    public async Task<bool> WaitForRunEndAsync(IReadOnlyList<WorkerProcess> workers, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && workers.Any(w => !w.HasExited))
        {
            if ((await TryRunsAsync()).Any(r => r.State is "succeeded" or "failed"))
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>Waits until <paramref name="node"/> holds a claim; false when the time passes first.</summary>
    public async Task<bool> WaitForClaimAsync(string node, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await PartitionsAsync()).Any(p => p.State == "claimed" && p.Owner == node))
                {
                    return true;
                }
            }
            catch (NpgsqlException)
            {
                // The tables are not made yet.
            }

            await Task.Delay(50);
        }

        return false;
    }

    /// <summary>Every input id exactly once in the output, the manifest complete, and <c>_SUCCESS</c> there.</summary>
    public void AssertExactlyOnce()
    {
        Jobs.Commit.ExactlyOnceTests.AssertEveryIdOnce(Output, Enumerable.Range(0, rows));
        Assert.True(File.Exists(Path.Combine(Output, OutputCommitLog.SuccessName)), "no _SUCCESS");
        var manifest = System.Text.Json.JsonSerializer.Deserialize<JobManifest>(File.ReadAllText(Path.Combine(Output, OutputCommitLog.ManifestName)))!;
        Assert.True(manifest.Complete);
        Assert.Equal(Directory.GetFiles(Output, "*.parquet").Length, manifest.Partitions.Count);
    }

    public static string Outputs(IEnumerable<WorkerProcess> workers) => string.Join("\n----\n", workers.Select(w => w.Output));

    private async Task<IReadOnlyList<(string RunId, string State)>> TryRunsAsync()
    {
        try
        {
            return await RunsAsync();
        }
        catch (NpgsqlException)
        {
            return [];
        }
    }

    private Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read) => MlNetBatch.Testing.Postgres.PostgresQuery.RowsAsync(connectionString, sql, read);
}
