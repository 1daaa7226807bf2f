using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Worker;

[Collection(InProcessWorkerHostCollection.Name)]
public class CommandLineTests
{
    [Fact]
    public async Task Run_scores_the_job_prints_where_the_scores_went_and_exits_zero()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 300, 300, seed: 4);
        var settings = JobConfiguration.TabularJob("adhoc", dir.Combine("in.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "run", "adhoc");

        Assert.Equal(0, exit);
        Assert.Contains("300 rows out", output.ToString());
        Assert.Contains($"Scores written to {dir.Combine("out")}", output.ToString());
        Assert.Single(Directory.GetFiles(dir.Combine("out"), "*.parquet"));
    }

    [Fact]
    public async Task Run_of_a_failing_job_exits_non_zero_with_the_cause()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("broken.parquet"), "not parquet at all");
        var settings = JobConfiguration.TabularJob("broken", dir.Combine("broken.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "run", "broken");

        Assert.Equal(WorkerCommandLine.Failed, exit);
        Assert.Contains("Job 'broken'", output.ToString());
        Assert.Contains("broken.parquet", output.ToString());
        Assert.Contains("not a readable Parquet file", output.ToString());
    }

    [Fact]
    public async Task Run_of_an_unknown_job_lists_the_defined_ones()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("known", dir.Combine("x.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "run", "unknown");

        Assert.Equal(WorkerCommandLine.Usage, exit);
        Assert.Contains("No job named 'unknown'", output.ToString());
        Assert.Contains("known", output.ToString());
    }

    [Fact]
    public async Task Validate_reports_every_configuration_problem_and_exits_non_zero()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("bad", dir.Combine("x.parquet"), dir.Combine("missing.onnx"), dir.Combine("out"), schedule: "every day");
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "validate");

        Assert.Equal(WorkerCommandLine.Failed, exit);
        var text = output.ToString();
        Assert.Contains("MlNetBatch:Jobs:bad:Schedule: 'every day' is not a valid cron expression", text);
        Assert.Contains("MlNetBatch:Jobs:bad:Model:ModelPath:", text);
    }

    [Fact]
    public async Task An_unknown_value_or_a_misspelt_setting_is_reported_with_its_path_instead_of_dropping_the_job()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("device", dir.Combine("x.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        settings["MlNetBatch:Jobs:device:Model:Device"] = "Gpu";
        foreach (var (key, value) in JobConfiguration.TabularJob("typo", dir.Combine("x.parquet"), RepositoryPaths.SampleModel, dir.Combine("out")))
        {
            settings[key] = value;
        }

        settings["MlNetBatch:Jobs:typo:Shedule"] = "0 0 2 * * ?";
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "list");

        Assert.Equal(WorkerCommandLine.Failed, exit);
        Assert.Contains("MlNetBatch:Jobs:device:Model:Device: 'Gpu' is not one of Auto, Cpu, Cuda.", output.ToString());
        Assert.Contains("MlNetBatch:Jobs:typo:Shedule: unknown setting 'Shedule'; did you mean 'Schedule'?", output.ToString());
    }

    [Fact]
    public async Task Restart_scores_every_partition_again_and_a_plain_rerun_resumes()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 300, 100, seed: 4);
        var settings = JobConfiguration.TabularJob("again", dir.Combine("in.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));

        Assert.Equal(0, await Invoke(settings, new StringWriter(), "run", "again"));
        var resumed = new StringWriter();
        Assert.Equal(0, await Invoke(settings, resumed, "run", "again"));
        var restarted = new StringWriter();
        Assert.Equal(0, await Invoke(settings, restarted, "run", "again", "--restart"));

        Assert.Contains("3 partitions (3 already committed), 0 rows in", resumed.ToString());
        Assert.Contains("3 partitions (0 already committed), 300 rows in", restarted.ToString());
    }

    [Fact]
    public async Task Environment_variables_override_the_configuration_file()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100, 100, seed: 5);
        var config = await TabularJobs.WriteConfigAsync(dir, "envjob", dir.Combine("in.parquet"), dir.Combine("out"));

        var (exit, output) = await WorkerProcess.RunAsync(dir.Path, new Dictionary<string, string> { ["MLNETBATCH__JOBS__ENVJOB__SINK__FORMAT"] = "Csv" }, "run", "envjob", "--config", config);

        Assert.True(exit == 0, output);
        Assert.Single(Directory.GetFiles(dir.Combine("out"), "*.csv"));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.parquet"));
    }

    [Fact]
    public async Task Validate_loads_every_model_of_a_valid_configuration()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("good", dir.Combine("x.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"));
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "validate");

        Assert.Equal(0, exit);
        Assert.Contains("good: ok", output.ToString());
        Assert.Contains("features [batch,16]", output.ToString());
    }

    [Fact]
    public async Task List_shows_schedules_and_next_fire_times()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("nightly", dir.Combine("x.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"), schedule: "0 30 1 * * ?");
        foreach (var (key, value) in JobConfiguration.TabularJob("manual", dir.Combine("x.parquet"), RepositoryPaths.SampleModel, dir.Combine("out")))
        {
            settings[key] = value;
        }

        var output = new StringWriter();

        var exit = await Invoke(settings, output, "list");

        Assert.Equal(0, exit);
        Assert.Contains("manual\ton demand", output.ToString());
        Assert.Matches(@"nightly\t0 30 1 \* \* \?\tnext: \d{4}-\d{2}-\d{2} \d{2}:30:00", output.ToString());
    }

    [Fact]
    public async Task Plan_prints_partitions_schema_and_how_columns_map_onto_the_model()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("sample", RepositoryPaths.SampleData + "/*.parquet", RepositoryPaths.SampleModel, dir.Combine("out"));
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "plan", "sample");

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("2 file(s), 6 partition(s), 10000 rows", text);
        Assert.Contains("part-00000.parquet#rowgroups=0-0 (2000 rows)", text);
        Assert.Contains("f15: float", text);
        // The Concatenate step is folded into the model input, which then reads the 16 columns directly.
        Assert.Contains("features [batch,16] float <- columns 'f00', 'f01',", text);
        Assert.Contains("'f15' (concatenated)", text);
        Assert.Contains("probabilities [batch,2] float -> column 'probabilities'", text);
        Assert.False(Directory.Exists(dir.Combine("out")));
    }

    [Fact]
    public async Task Plan_names_the_values_that_inference_set_aside_and_run_counts_missing_values()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 1000);
        // Row 300's f02 is not a number and row 500's f03 is empty: f02 stays float (1 in 1000), and the job
        // quarantines row 300 and reads row 500's f03 as NaN.
        var lines = File.ReadAllLines(dir.Combine("in", "a.csv"));
        lines[301] = ReplaceField(lines[301], 3, "oops");
        lines[501] = ReplaceField(lines[501], 4, string.Empty);
        File.WriteAllLines(dir.Combine("in", "a.csv"), lines);
        var settings = JobConfiguration.TabularJob("mixed", dir.Combine("in", "*.csv"), RepositoryPaths.SampleModel, dir.Combine("out"));
        settings["MlNetBatch:Jobs:mixed:Execution:MaxBadRecords"] = "5";

        var planOutput = new StringWriter();
        Assert.Equal(0, await Invoke(settings, planOutput, "plan", "mixed"));
        var runOutput = new StringWriter();
        Assert.Equal(0, await Invoke(settings, runOutput, "run", "mixed"));

        Assert.Contains("f02: float", planOutput.ToString());
        Assert.Contains("not a number at row 300", planOutput.ToString());
        Assert.Contains("'oops'", planOutput.ToString());
        Assert.Contains("1000 rows in, 999 rows out, 1 bad rows, 1 missing values read as NaN", runOutput.ToString());
    }

    private static string ReplaceField(string line, int index, string value)
    {
        var fields = line.Split(',');
        fields[index] = value;
        return string.Join(',', fields);
    }

    [Fact]
    public async Task The_worker_process_runs_a_job_from_an_extra_config_file_and_reports_failure_by_exit_code()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("in.parquet"), 0, 100, 100, seed: 5);
        var config = dir.Combine("jobs.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "MlNetBatch": { "Jobs": {
                "proc": {
                  "Source": { "Path": "{{dir.Combine("in.parquet")}}" },
                  "Preprocess": [ { "Transform": "Concatenate", "OutputColumn": "features", "InputColumns": [ {{string.Join(", ", TabularData.FeatureColumns.Select(c => $"\"{c}\""))}} ] } ],
                  "Model": { "ModelPath": "{{RepositoryPaths.SampleModel}}", "Device": "Cpu" },
                  "Sink": { "Path": "{{dir.Combine("out")}}", "Format": "JsonLines" }
                },
                "missing": {
                  "Source": { "Path": "{{dir.Combine("nothing-here", "*.parquet")}}" },
                  "Model": { "ModelPath": "{{RepositoryPaths.SampleModel}}" },
                  "Sink": { "Path": "{{dir.Combine("out2")}}" }
                }
              } }
            }
            """);

        var (ok, okOutput) = await WorkerProcess.RunAsync(dir.Path, null, "run", "proc", "--config", config);
        var (failed, failedOutput) = await WorkerProcess.RunAsync(dir.Path, null, "run", "missing", "--config", config);

        Assert.True(ok == 0, okOutput);
        Assert.Equal(100, File.ReadLines(Directory.GetFiles(dir.Combine("out"), "*.jsonl").Single()).Count());
        Assert.Equal(1, failed);
        Assert.Contains("Job 'missing'", failedOutput);
        Assert.Contains("matches no object", failedOutput);
    }

    private static Task<int> Invoke(Dictionary<string, string?> settings, StringWriter output, params string[] args) =>
        WorkerCommandLine.Create(JobConfiguration.With(settings), output).Parse(args).InvokeAsync();
}

[Collection(InProcessWorkerHostCollection.Name)]
public class ServiceModeTests
{
    [Fact]
    public async Task The_service_refuses_to_start_on_invalid_configuration_and_exits_non_zero()
    {
        using var dir = new TempDirectory();
        var settings = JobConfiguration.TabularJob("nightly", dir.Combine("x.parquet"), RepositoryPaths.SampleModel, dir.Combine("out"), schedule: "0 0 25 * * ?");
        var output = new StringWriter();

        var exit = await WorkerCommandLine.Create(JobConfiguration.With(settings), output).Parse([]).InvokeAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(WorkerCommandLine.Failed, exit);
        Assert.Contains("MlNetBatch:Jobs:nightly:Schedule: '0 0 25 * * ?' is not a valid cron expression", output.ToString());
    }
}
