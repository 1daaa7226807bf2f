using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;

namespace MlNetBatch.Tests.Support;

/// <summary>Job definitions over the tabular sample model, as objects and as worker configuration files.</summary>
public static class TabularJobs
{
    public static JobDefinition Parquet(string source, string model, string sink) => new()
    {
        // One partition per row group: these jobs are about several partitions, and their small files would
        // otherwise be one partition each.
        Source = new SourceDefinition { Path = source, RowGroupsPerPartition = 1 },
        Preprocess = [new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = TabularData.FeatureColumns.ToList() }],
        Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = model, BatchSize = 128, Device = OnnxDevice.Cpu },
        Sink = new SinkDefinition { Path = sink, Columns = ["id", "probabilities", "label"] },
        Execution = new ExecutionOptions { Parallelism = 2, RetryDelay = TimeSpan.FromMilliseconds(10) },
    };

    /// <summary>A worker configuration file holding one such job, a partition per row group.</summary>
    public static async Task<string> WriteConfigAsync(TempDirectory dir, string job, string source, string sink, int parallelism = 2, string leaseDuration = "00:02:00", string shutdownGrace = "00:00:30")
    {
        var path = dir.Combine($"{job}.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "Serilog": { "MinimumLevel": { "Default": "Warning" } },
              "MlNetBatch": { "Jobs": {
                "{{job}}": {
                  "Source": { "Path": "{{source}}", "RowGroupsPerPartition": 1 },
                  "Preprocess": [ { "Transform": "Concatenate", "OutputColumn": "features", "InputColumns": [ {{string.Join(", ", TabularData.FeatureColumns.Select(c => $"\"{c}\""))}} ] } ],
                  "Model": { "ModelPath": "{{RepositoryPaths.SampleModel}}", "Device": "Cpu", "BatchSize": 100 },
                  "Sink": { "Path": "{{sink}}", "Columns": [ "id", "probabilities", "label" ] },
                  "Execution": { "Parallelism": {{parallelism}}, "LeaseDuration": "{{leaseDuration}}", "ShutdownGracePeriod": "{{shutdownGrace}}" }
                }
              } }
            }
            """);
        return path;
    }
}
