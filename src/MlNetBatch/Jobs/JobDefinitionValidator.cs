using Microsoft.Extensions.Options;
using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>
/// Checks every job definition at start-up and reports every problem at once, each prefixed with its
/// configuration path (<c>MlNetBatch:Jobs:nightly:Source:Path: …</c>), or one job alone. Schedules are the worker's to check.
/// </summary>
public sealed class JobDefinitionValidator : IJobValidator
{
    private readonly JobPaths _paths;
    private readonly DataFormatRegistry _formats;
    private readonly RecordBatchWriterRegistry _writers;

    // Called at each validation: building the stores binds the providers' options, whose problems are reported here too.
    private readonly Func<ObjectStoreResolver>? _stores;

    /// <summary>Creates the validator.</summary>
    /// <param name="paths">Resolves relative paths in the jobs.</param>
    /// <param name="stores">
    /// The registered storage providers: every source and sink path must have one. Without it the schemes are not checked.
    /// </param>
    /// <param name="formats">The formats sources may name; the built-in ones when null.</param>
    /// <param name="writers">The formats sinks may write; the built-in ones when null.</param>
    public JobDefinitionValidator(
        JobPaths paths, ObjectStoreResolver? stores = null, DataFormatRegistry? formats = null, RecordBatchWriterRegistry? writers = null)
        : this(paths, stores is null ? null : () => stores, formats, writers)
    {
    }

    internal JobDefinitionValidator(JobPaths paths, Func<ObjectStoreResolver>? stores, DataFormatRegistry? formats, RecordBatchWriterRegistry? writers)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = paths;
        _stores = stores;
        _formats = formats ?? DataFormatRegistry.Default;
        _writers = writers ?? RecordBatchWriterRegistry.Default;
    }

    /// <summary>The registered batch models, looked up at each validation; when null, function names are not checked.</summary>
    internal Func<Scoring.Functions.BatchModelRegistry?>? BatchModels { get; init; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MlNetBatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var stores = CreateStores(failures);
        foreach (var (jobName, job) in options.Jobs)
        {
            failures.AddRange(Problems(jobName, job, stores));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <inheritdoc />
    public IEnumerable<string> SharedProblems()
    {
        var failures = new List<string>();
        CreateStores(failures);
        return failures;
    }

    /// <inheritdoc />
    public IEnumerable<string> Problems(string name, JobDefinition? job)
    {
        ArgumentNullException.ThrowIfNull(name);
        // A provider that cannot be set up is a shared problem, reported by SharedProblems: the schemes go unchecked here.
        return job is null ? [] : Problems(name, job, CreateStores([]));
    }

    private IEnumerable<string> Problems(string jobName, JobDefinition job, ObjectStoreResolver? stores) =>
        Validate(jobName, job, stores).Select(f => $"{MlNetBatchOptions.SectionName}:Jobs:{jobName}:{f}");

    /// <summary>The registered stores, or null (with the reason among the failures) when a provider cannot be set up.</summary>
    private ObjectStoreResolver? CreateStores(List<string> failures)
    {
        try
        {
            return _stores?.Invoke();
        }
        catch (OptionsValidationException e)
        {
            // A provider's own validator names each setting with its path.
            failures.AddRange(e.Failures);
        }
        catch (Exception e)
        {
            // Building a store reads only its configuration, so whatever fails here is a configuration problem.
            failures.Add($"{MlNetBatchOptions.SectionName}:Storage: a storage provider could not be set up ({e.Message.ReplaceLineEndings(" ")}); the schemes of source and sink paths were not checked.");
        }

        return null;
    }

    private IEnumerable<string> Validate(string jobName, JobDefinition job, ObjectStoreResolver? stores)
    {
        if (string.IsNullOrWhiteSpace(job.Source.Path) && job.Source.Paths.Count == 0)
        {
            yield return "Source:Path: is required (a path, directory, glob or URL such as data/*.parquet), or Source:Paths with several.";
        }

        for (var i = 0; i < job.Source.Paths.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(job.Source.Paths[i]))
            {
                yield return $"Source:Paths:{i}: is empty.";
            }
        }

        foreach (var problem in DataSourceOptionsValidator.Problems(job.Source))
        {
            yield return $"Source:{problem}";
        }

        for (var i = 0; i < job.Preprocess.Count; i++)
        {
            foreach (var problem in PreprocessPipelineBuilder.Validate(job.Preprocess[i]))
            {
                yield return $"Preprocess:{i}: {problem}";
            }

            foreach (var (setting, path) in job.Preprocess[i].Files())
            {
                if (!File.Exists(_paths.Resolve(path)))
                {
                    yield return $"Preprocess:{i}:{setting}: file '{_paths.Resolve(path)}' does not exist.";
                }
            }
        }

        foreach (var problem in ModelDefinitionValidator.Problems(job.Model))
        {
            yield return $"Model:{problem}";
        }

        if (job.Model is { Kind: ModelKind.Function, Name: { Length: > 0 } function } && BatchModels is not null
            && (BatchModels()?.Names ?? []) is var registered && !registered.Contains(function, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"Model:Name: no batch model is registered as '{function}' (registered: {(registered.Count == 0 ? "none" : string.Join(", ", registered))}).";
        }

        // A model in a store is fetched when the job is planned; a missing one is reported then, naming the object.
        if (job.Model.Kind != ModelKind.Function && !string.IsNullOrWhiteSpace(job.Model.ModelPath) && !Models.ModelDownloads.IsRemote(job.Model.ModelPath)
            && !File.Exists(_paths.Resolve(job.Model.ModelPath)))
        {
            yield return $"Model:ModelPath: model file '{_paths.Resolve(job.Model.ModelPath)}' does not exist.";
        }

        if (string.IsNullOrWhiteSpace(job.Sink.Path))
        {
            yield return "Sink:Path: is required (the output directory).";
        }

        foreach (var problem in job.Sink.Parquet.Problems())
        {
            yield return $"Sink:Parquet:{problem}";
        }

        foreach (var problem in new JobFormatChecks(_formats, _writers).Problems(job))
        {
            yield return problem;
        }

        foreach (var problem in new JobLocationChecks(_paths, stores).Problems(job))
        {
            yield return problem;
        }

        if (job.Execution.Parallelism < 1)
        {
            yield return $"Execution:Parallelism: must be greater than zero (got {job.Execution.Parallelism}).";
        }

        if (job.Execution.PreprocessThreads < 0)
        {
            yield return $"Execution:PreprocessThreads: must not be negative (got {job.Execution.PreprocessThreads}); 0 means every core but one.";
        }

        if (job.Execution.MaxBadRecords < 0)
        {
            yield return $"Execution:MaxBadRecords: must not be negative (got {job.Execution.MaxBadRecords}).";
        }

        if (job.Execution.MaxBadRecordRatio is < 0 or > 1 || double.IsNaN(job.Execution.MaxBadRecordRatio))
        {
            yield return $"Execution:MaxBadRecordRatio: must be between 0 and 1 (got {job.Execution.MaxBadRecordRatio}).";
        }

        if (job.Execution.PartitionRetries < 0)
        {
            yield return $"Execution:PartitionRetries: must not be negative (got {job.Execution.PartitionRetries}).";
        }

        if (job.Execution.RetryDelay < TimeSpan.Zero || job.Execution.ShutdownGracePeriod < TimeSpan.Zero || job.Execution.PartitionTimeout < TimeSpan.Zero)
        {
            yield return "Execution: RetryDelay, ShutdownGracePeriod and PartitionTimeout must not be negative.";
        }

        if (job.Execution.LeaseDuration < TimeSpan.FromSeconds(3))
        {
            yield return $"Execution:LeaseDuration: must be at least 3 seconds (got {job.Execution.LeaseDuration}).";
        }
    }
}
