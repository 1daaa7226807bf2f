using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Scoring;
using Quartz;

namespace MlNetBatch.Worker.Cli;

/// <summary>What the one-shot commands do, given a built host.</summary>
internal static class JobCommands
{
    public static async Task<int> RunAsync(IHost host, string jobName, JobRunOptions runOptions, TextWriter output, CancellationToken cancellationToken)
    {
        if (!TryFind(host, jobName, output, out var name, out var job))
        {
            return WorkerCommandLine.Usage;
        }

        if (await Cluster.Runs.ClusterRunGuard.RefusalAsync(host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(), name, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            await output.WriteLineAsync(refusal).ConfigureAwait(false);
            return WorkerCommandLine.Failed;
        }

        try
        {
            var summary = await host.Services.GetRequiredService<History.JobRunRecorder>().RunAsync(name, job, runOptions, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(summary.ToString()).ConfigureAwait(false);
            await output.WriteLineAsync($"Scores written to {summary.OutputDirectory}").ConfigureAwait(false);
            Progress.StageTable.Write(summary, output);
            return 0;
        }
        catch (JobInterruptedException e)
        {
            await output.WriteLineAsync(e.Message).ConfigureAwait(false);
            return WorkerCommandLine.Interrupted;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"Job '{name}' was stopped before it started scoring; nothing was written.").ConfigureAwait(false);
            return WorkerCommandLine.Interrupted;
        }
        catch (Exception e)
        {
            return FailureReport.Report(e, output, name, job);
        }
    }

    public static int Validate(IHost host, TextWriter output)
    {
        var jobs = Jobs(host);
        var paths = host.Services.GetRequiredService<JobPaths>();
        var logger = host.Services.GetRequiredService<ILogger<JobRunner>>();
        var failures = 0;
        foreach (var (name, job) in jobs)
        {
            var options = job.Model.Clone();
            options.ModelPath = paths.Resolve(job.Model.ModelPath);
            try
            {
                if (job.Model.Kind != MlNetBatch.Jobs.Models.ModelKind.Function && MlNetBatch.Jobs.Models.ModelDownloads.IsRemote(options.ModelPath))
                {
                    // A model in a store is fetched into the cache the runs use, and checked from there.
                    var downloads = new MlNetBatch.Jobs.Models.ModelDownloads(host.Services.GetRequiredService<MlNetBatch.Storage.ObjectStoreResolver>(), MlNetBatch.Jobs.Models.ModelDownloads.DefaultDirectory);
                    options.ModelPath = downloads.LocalPathAsync(options.ModelPath, CancellationToken.None).GetAwaiter().GetResult();
                }

                output.WriteLine($"{name}: ok ({DescribeModel(host, job.Model, options)})");
            }
            catch (Exception e)
            {
                // A model that does not load is one of the problems to list; the others are still checked.
                failures++;
                logger.LogDebug(e, "Job {Job}: the model did not load", name);
                output.WriteLine($"{MlNetBatchOptions.SectionName}:Jobs:{name}:Model: {FailureReport.Describe(e)}");
            }
        }

        output.WriteLine(failures == 0 ? $"Configuration is valid: {jobs.Count} job(s)." : $"{failures} job(s) have problems.");
        return failures == 0 ? 0 : WorkerCommandLine.Failed;
    }

    /// <summary>Loads the job's model as its kind says, and names its inputs and outputs.</summary>
    private static string DescribeModel(IHost host, MlNetBatch.Jobs.Models.ModelDefinition definition, ScoreOnnxOptions options)
    {
        switch (definition.Kind)
        {
            case MlNetBatch.Jobs.Models.ModelKind.MlNet:
                var mlNet = Scoring.MlNet.MlNetScoringModel.Load(options.ModelPath);
                return $"ML.NET model {mlNet.Name}, saved with columns {string.Join(", ", mlNet.SavedInputSchema.Where(c => !c.IsHidden).Select(c => $"{c.Name} {ColumnTypeNames.Format(c.Type)}"))}";
            case MlNetBatch.Jobs.Models.ModelKind.Function:
                var registry = host.Services.GetService<Scoring.Functions.BatchModelRegistry>();
                var names = registry?.Names ?? [];
                if (!names.Contains(definition.Name!, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ModelException($"No batch model is registered as '{definition.Name}' (registered: {(names.Count == 0 ? "none" : string.Join(", ", names))}).");
                }

                return $"batch model {definition.Name}";
            default:
                using (var model = OnnxScoringModel.Load(options))
                {
                    return $"model {model.Name}: {string.Join("; ", model.Inputs)} -> {string.Join("; ", model.Outputs)}";
                }
        }
    }

    public static int List(IHost host, TextWriter output)
    {
        // The valid jobs are listed even when others are not; the problems follow, as the configuration report.
        var set = host.Services.GetRequiredService<ConfiguredJobs>().Read();
        IReadOnlyList<string> problems = [.. set.SharedProblems, .. set.Invalid.Values.SelectMany(p => p)];
        if (set.SharedProblems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MlNetBatchOptions), problems);
        }

        if (!set.Names.Any())
        {
            output.WriteLine("No jobs are defined under MlNetBatch:Jobs.");
        }

        foreach (var (name, job) in set.Valid.OrderBy(j => j.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (job.Schedule is { Length: > 0 } cron)
            {
                var next = new CronExpression(cron).GetNextValidTimeAfter(DateTimeOffset.UtcNow);
                output.WriteLine($"{name}\t{cron}\tnext: {next?.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}");
            }
            else
            {
                output.WriteLine($"{name}\ton demand");
            }
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MlNetBatchOptions), problems);
        }

        return 0;
    }

    public static async Task<int> PlanAsync(IHost host, string jobName, TextWriter output, CancellationToken cancellationToken)
    {
        if (!TryFind(host, jobName, output, out var name, out var job))
        {
            return WorkerCommandLine.Usage;
        }

        JobPlan plan;
        try
        {
            plan = await host.Services.GetRequiredService<JobRunner>().PlanAsync(name, job, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return FailureReport.Report(e, output, name, job);
        }

        output.WriteLine($"Job '{plan.Job}': {plan.Files.Count} file(s), {plan.Partitions.Count} partition(s), {plan.Partitions.Sum(p => p.RowCount ?? 0)} rows known before reading");
        foreach (var partition in plan.Partitions.Take(20))
        {
            output.WriteLine($"  partition {partition.Ordinal}: {partition.Id}{(partition.RowCount is { } rows ? $" ({rows} rows)" : string.Empty)}");
        }

        if (plan.Partitions.Count > 20)
        {
            output.WriteLine($"  … and {plan.Partitions.Count - 20} more");
        }

        if (plan.HiddenFiles.Count > 0)
        {
            output.WriteLine($"  left out: {plan.HiddenFiles.Count} file(s) whose path has a part starting with '_' or '.' (hidden, as in Spark; name them explicitly to read them), e.g. {plan.HiddenFiles[0].Location}");
        }

        output.WriteLine("Input schema:");
        foreach (var column in plan.SourceColumns)
        {
            output.WriteLine($"  {column.Name}: {ColumnTypeNames.Format(column.Type)}");
            foreach (var outlier in column.Outliers)
            {
                // Inference kept the column numeric despite these values: their rows will be bad records.
                output.WriteLine($"    not a number at row {outlier.Row} (byte {outlier.ByteOffset}) of the first file: '{outlier.Value}'; that row will be a bad record");
            }

            if (column.RoundedExample is { } rounded)
            {
                output.WriteLine($"    float rounds some sampled values ({rounded}); declare '{column.Name}' as double in Source:Columns to keep them exactly");
            }
        }

        if (plan.Preprocess.Count > 0)
        {
            output.WriteLine("Preprocessing (block = whole column blocks; folded into model input = done by the scorer as it packs that input; row = stock ML.NET transform, row by row):");
            foreach (var step in plan.Preprocess)
            {
                output.WriteLine($"  {step}");
            }
        }

        output.WriteLine(plan.ModelKind == MlNetBatch.Jobs.Models.ModelKind.Onnx
            ? $"Model inputs (device {plan.Device}):"
            : $"Model {plan.ModelName} ({plan.ModelKind}{(plan.ModelCalls is { } calls ? $"; {calls}" : string.Empty)}) inputs:");
        foreach (var input in plan.ModelInputColumns)
        {
            output.WriteLine($"  {input.Name} {input.Type} <- {input.Binding}");
        }

        output.WriteLine("Model outputs:");
        foreach (var outputColumn in plan.ModelOutputColumns)
        {
            output.WriteLine($"  {outputColumn.Name} {outputColumn.Type} -> {outputColumn.Binding}");
        }

        output.WriteLine($"Output columns: {string.Join(", ", plan.OutputColumns)}");
        output.WriteLine("Plan checked: source, preprocessing and model fit together.");
        return 0;
    }

    private static Dictionary<string, JobDefinition> Jobs(IHost host) =>
        host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value.Jobs;

    /// <summary>
    /// Finds the job to act on. Only it, and what all jobs share, must be valid: its problems are thrown as the
    /// configuration report, while other jobs' problems are left to <c>validate</c>.
    /// </summary>
    private static bool TryFind(IHost host, string requested, TextWriter output, out string name, out JobDefinition job)
    {
        var jobs = host.Services.GetRequiredService<ConfiguredJobs>().Read();
        var match = jobs.Names.FirstOrDefault(n => string.Equals(n, requested, StringComparison.OrdinalIgnoreCase));
        name = match ?? requested;
        job = null!;
        if (match is null && jobs.SharedProblems.Count == 0)
        {
            var names = jobs.Names.ToList();
            output.WriteLine($"No job named '{requested}'. Defined jobs: {(names.Count == 0 ? "none" : string.Join(", ", names))}.");
            return false;
        }

        if (jobs.ProblemsOf(name) is { Count: > 0 } problems)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MlNetBatchOptions), problems);
        }

        job = jobs.Valid[name];
        return true;
    }
}
