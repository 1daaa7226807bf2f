using MlNetBatch.Jobs;
using MlNetBatch.Pipeline;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Pipeline.Tabular;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Progress;

/// <summary>The jobs the statistics, progress and telemetry tests run: trips with bad pickup times and a filter, and a job with a slow step.</summary>
internal static class StatsJobs
{
    public const string SlowStep = "SleepsForStatsTests";

    public static readonly HashSet<int> BadRows = [0, 5, 77, 400, 1199];

    private static readonly string[] s_payments = ["cash", "card", "dispute", "no charge"];

    static StatsJobs() =>
        BlockTransformRegistry.Default.Register(new BlockTransformRegistration(SlowStep, _ => new SleepingTransform(TimeSpan.FromMilliseconds(25))));

    /// <summary>Registers <see cref="SlowStep"/> (the static constructor does), for jobs defined in configuration.</summary>
    public static void RegisterSlowStep()
    {
    }

    /// <summary>1200 trips in CSV (<see cref="BadRows"/> with bad pickup times), several partitions, with tabular steps and a Filter.</summary>
    public static JobDefinition Trips(TempDirectory dir, string output, int parallelism)
    {
        Directory.CreateDirectory(dir.Combine("in"));
        if (!File.Exists(dir.Combine("in", "trips.csv")))
        {
            TripsCsv.Write(dir.Combine("in", "trips.csv"), 0, 1200, seed: 1, BadRows, s_payments);
        }

        return new JobDefinition
        {
            Source = new SourceDefinition { Path = dir.Combine("in", "*.csv"), Columns = TripsCsv.Columns(), ChunkRows = 64, PartitionBytes = 32 * 1024 },
            Preprocess =
            [
                new PreprocessStep { Transform = "DateTimeParts", InputColumns = ["pickup"], OutputColumn = "pickup", Format = TripsCsv.TimeFormat, Parts = [MlNetBatch.Pipeline.Stages.Tabular.DateTimePart.Hour] },
                new PreprocessStep { Transform = "Filter", InputColumns = ["f00"], LowerBound = 0.25 },
                new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = MlNetBatch.Samples.Generator.TabularData.FeatureColumns.ToList() },
            ],
            Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = RepositoryPaths.SampleModel, BatchSize = 128, Device = OnnxDevice.Cpu },
            Sink = new SinkDefinition { Path = dir.Combine(output), Columns = ["id", "probabilities", "pickup_hour"] },
            Execution = new ExecutionOptions { Parallelism = parallelism, PartitionRetries = 0, PreprocessThreads = 2, MaxBadRecords = 100 },
        };
    }

    /// <summary>2000 rows of the tabular sample in blocks of 100, through a step that sleeps on every block.</summary>
    public static async Task<JobDefinition> SlowAsync(TempDirectory dir, string output, int parallelism)
    {
        Directory.CreateDirectory(dir.Combine("slow"));
        if (!File.Exists(dir.Combine("slow", "a.parquet")))
        {
            await MlNetBatch.Samples.Generator.TabularData.WriteParquetAsync(dir.Combine("slow", "a.parquet"), 0, 2000, 500, seed: 3);
        }

        var job = TabularJobs.Parquet(dir.Combine("slow", "*.parquet"), RepositoryPaths.SampleModel, dir.Combine(output));
        job.Source.ChunkRows = 100;
        job.Preprocess.Insert(0, new PreprocessStep { Transform = SlowStep });
        job.Execution.Parallelism = parallelism;
        job.Execution.PartitionRetries = 0;
        return job;
    }

    public static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));

    /// <summary>A pass-through step that sleeps on every block: the stage that limits a job's throughput.</summary>
    private sealed class SleepingTransform(TimeSpan delay) : IBlockTransform
    {
        public string Name => SlowStep;

        public IReadOnlyList<string> InputColumns => [];

        public IReadOnlyList<BlockOutputColumn> GetOutputColumns(Microsoft.ML.DataViewSchema inputSchema) => [];

        public IBlockMapper CreateMapper(Microsoft.ML.DataViewSchema schema) => new Mapper(delay);

        private sealed class Mapper(TimeSpan delay) : IBlockMapper
        {
            public void Map(MlNetBatch.Data.RecordBatch block) => Thread.Sleep(delay);
        }
    }
}
