using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>Tabular stages in real jobs: bad timestamps quarantined, filtered rows counted, vocabularies in the settings hash.</summary>
public class TabularJobTests
{
    private static readonly string[] s_payments = ["cash", "card", "dispute", "no charge"];

    [Fact]
    public async Task Unparseable_pickup_times_are_quarantined_with_file_row_and_value_and_filtered_rows_are_counted()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        var bad = new HashSet<int> { 0, 5, 77, 400, 1199 };
        var trips = TripsCsv.Write(dir.Combine("in", "trips.csv"), 0, 1200, seed: 1, bad, s_payments);
        var job = Job(dir, "out");

        var summary = await Runner(dir).RunAsync("trips", job);

        var kept = trips.Where((t, r) => !bad.Contains(r) && t.F00 >= 0.25f).ToList();
        var filtered = trips.Where((t, r) => !bad.Contains(r) && t.F00 < 0.25f).Count();
        Assert.Equal(1200, summary.RowsIn);
        Assert.Equal(bad.Count, summary.BadRows);
        Assert.Equal(filtered, summary.FilteredRows);
        Assert.Equal(kept.Count, summary.RowsOut);
        Assert.Contains($"{filtered} rows filtered out", summary.ToString());

        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine")).SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(bad.Order(), quarantined.Select(q => (int)q.GetProperty("Row").GetInt64()).Order());
        Assert.All(quarantined, q =>
        {
            Assert.EndsWith("trips.csv", q.GetProperty("File").GetString());
            Assert.Equal("pickup", q.GetProperty("Column").GetString());
            Assert.Equal(trips[(int)q.GetProperty("Row").GetInt64()].Pickup, q.GetProperty("Value").GetString());
            Assert.Equal($"not a date-time in the format '{TripsCsv.TimeFormat}'", q.GetProperty("Reason").GetString());
        });

        // The rows written are the others, with the hour of their own pickup time.
        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        var hours = DataViewReader.Columns<long, float>(output, "id", "pickup_hour").OrderBy(r => r.Item1).ToList();
        Assert.Equal(kept.Select(t => t.Id), hours.Select(h => h.Item1));
        Assert.Equal(kept.Select(t => (float)DateTime.ParseExact(t.Pickup, TripsCsv.TimeFormat, CultureInfo.InvariantCulture).Hour), hours.Select(h => h.Item2));
    }

    [Fact]
    public async Task The_fitted_vocabulary_is_stable_across_plans_and_in_the_plan()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        TripsCsv.Write(dir.Combine("in", "a.csv"), 0, 700, seed: 2, new HashSet<int> { 3 }, s_payments);
        TripsCsv.Write(dir.Combine("in", "b.csv"), 700, 700, seed: 3, new HashSet<int>(), s_payments);
        var job = Job(dir, "out");
        job.Source.PartitionBytes = 4096;

        var first = await Runner(dir).PlanAsync("trips", job);
        var second = await Runner(dir).PlanAsync("trips", job);

        var states = first.Preprocess.Select(p => p.FittedState).ToList();
        Assert.Equal(states, second.Preprocess.Select(p => p.FittedState));
        // DateTimeParts and Filter learn nothing; the mean and the vocabulary are learned.
        Assert.Equal([null, null], states.Take(2));
        Assert.StartsWith("ReplaceMissingValues:fare:Mean:", states[2]);
        var vocabulary = states[3]!["OneHotEncoding:payment:".Length..].Split('\u001f');
        Assert.Equal(s_payments.Order(), vocabulary.Order());
    }

    [Fact]
    public async Task A_changed_vocabulary_rescores_every_partition_and_an_unchanged_one_resumes()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        TripsCsv.Write(dir.Combine("in", "a.csv"), 0, 300, seed: 4, new HashSet<int>(), s_payments);
        TripsCsv.Write(dir.Combine("in", "b.csv"), 300, 300, seed: 5, new HashSet<int>(), s_payments);
        var job = Job(dir, "out");
        job.Preprocess.RemoveAt(2);
        // Fitted on the first file only, so b.csv's partition stays valid unless what was learned changes.
        job.Preprocess.ForEach(s => s.FitRows = 300);

        var first = await Runner(dir).RunAsync("trips", job);
        // a.csv changes where no fitted stage looks: its own partition is scored again, b.csv's is kept.
        Rewrite(dir.Combine("in", "a.csv"), line => ReplaceField(line, 16, "0.5"), rows: 1);
        var unchanged = await Runner(dir).RunAsync("trips", job);
        // a.csv gains a payment type: the vocabulary grows, and b.csv's output must be written again with it.
        Rewrite(dir.Combine("in", "a.csv"), line => ReplacePayment(line, "voucher"), rows: 10);
        var changed = await Runner(dir).RunAsync("trips", job);

        Assert.Equal((2, 0), (first.Partitions, first.ResumedPartitions));
        Assert.Equal(1, unchanged.ResumedPartitions);
        Assert.Equal(0, changed.ResumedPartitions);
        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        Assert.All(DataViewReader.Vectors(output, "payment_onehot"), v => Assert.Equal(s_payments.Length + 1, v.Length));
    }

    [Fact]
    public async Task An_Expression_step_computes_the_stock_expression_in_a_job()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        TripsCsv.Write(dir.Combine("in", "trips.csv"), 0, 400, seed: 6, new HashSet<int>(), s_payments);
        var job = Job(dir, "out");
        job.Preprocess =
        [
            new PreprocessStep { Transform = "Expression", OutputColumn = "per_f01", InputColumns = ["fare", "f01"], Expression = "(fare, f01) => f01 > 0.5 ? fare / f01 : -1" },
            Concatenate(),
        ];
        job.Sink.Columns = ["id", "fare", "f01", "per_f01"];

        await Runner(dir).RunAsync("expression", job);

        var output = new MLContext().Data.LoadFromParquet(dir.Combine("out"));
        var fares = DataViewReader.Column<float>(output, "fare");
        var f01 = DataViewReader.Column<float>(output, "f01");
        var expected = fares.Zip(f01, (fare, f) => f > 0.5f ? fare / f : -1f).ToList();
        Assert.Contains(expected, v => v == -1f);
        Assert.Equal(expected, DataViewReader.Column<float>(output, "per_f01"));
    }

    private static JobDefinition Job(TempDirectory dir, string output) => new()
    {
        Source = new SourceDefinition { Path = dir.Combine("in", "*.csv"), Columns = TripsCsv.Columns(), ChunkRows = 64 },
        Preprocess =
        [
            new PreprocessStep { Transform = "DateTimeParts", InputColumns = ["pickup"], OutputColumn = "pickup", Format = TripsCsv.TimeFormat, TimeZone = "America/New_York", Parts = [DateTimePartHour, DateTimePartWeekday] },
            new PreprocessStep { Transform = "Filter", InputColumns = ["f00"], LowerBound = 0.25 },
            new PreprocessStep { Transform = "ReplaceMissingValues", InputColumns = ["fare"], Replacement = MlNetBatch.Pipeline.Stages.Tabular.MissingValueReplacement.Mean },
            new PreprocessStep { Transform = "OneHotEncoding", InputColumns = ["payment"], OutputColumn = "payment_onehot" },
            Concatenate(),
        ],
        Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = RepositoryPaths.SampleModel, BatchSize = 128, Device = OnnxDevice.Cpu },
        Sink = new SinkDefinition { Path = dir.Combine(output), Columns = ["id", "probabilities", "pickup_hour", "pickup_day_of_week", "payment_onehot", "fare"] },
        Execution = new ExecutionOptions { Parallelism = 2, PartitionRetries = 0, PreprocessThreads = 2, MaxBadRecords = 100 },
    };

    private const MlNetBatch.Pipeline.Stages.Tabular.DateTimePart DateTimePartHour = MlNetBatch.Pipeline.Stages.Tabular.DateTimePart.Hour;
    private const MlNetBatch.Pipeline.Stages.Tabular.DateTimePart DateTimePartWeekday = MlNetBatch.Pipeline.Stages.Tabular.DateTimePart.DayOfWeek;

    private static PreprocessStep Concatenate() =>
        new() { Transform = "Concatenate", OutputColumn = "features", InputColumns = TabularData.FeatureColumns.ToList() };

    /// <summary>Rewrites the first <paramref name="rows"/> data lines of a CSV file.</summary>
    private static void Rewrite(string path, Func<string, string> change, int rows)
    {
        var lines = File.ReadAllLines(path);
        for (var i = 1; i <= rows; i++)
        {
            lines[i] = change(lines[i]);
        }

        File.WriteAllLines(path, lines);
    }

    private static string ReplacePayment(string line, string payment) => ReplaceField(line, 18, payment);

    private static string ReplaceField(string line, int field, string value)
    {
        var fields = line.Split(',');
        fields[field] = value;
        return string.Join(',', fields);
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}
