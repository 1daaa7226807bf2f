using Microsoft.Extensions.Logging;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Formats;
using MlNetBatch.Jobs.Models;
using MlNetBatch.Pipeline;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Functions;
using MlNetBatch.Scoring.MlNet;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// The first stage of a job: opens the source and plans its partitions (retried like partitions when storage
/// hiccups), loads the model, fits the preprocessing (folding the block stages that only feed a model input into it)
/// and checks source, preprocessing, model, sink columns and sink placement against each other. Every failure is a
/// <see cref="JobFailedException"/>.
/// </summary>
internal sealed class JobPlanner(
    ObjectStoreResolver resolver, DataFormatRegistry formats, JobPaths paths, ILoggerFactory loggerFactory, ILogger logger, BatchModelRegistry? batchModels = null)
{
    private readonly Models.ModelDownloads _models = new(resolver, Models.ModelDownloads.DefaultDirectory);

    /// <summary>The dry run: what the job would read, score and write.</summary>
    public async Task<JobPlan> PlanAsync(string jobName, JobDefinition job, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(jobName, job, cancellationToken).ConfigureAwait(false);
        using (prepared.Model)
        {
            var onnx = (prepared.Model as OnnxJobModel)?.Model;
            return new JobPlan(jobName, prepared.Source.Files, prepared.Partitions, prepared.Source.Columns,
                onnx?.Inputs ?? [], onnx?.Outputs ?? [], prepared.Model.Device, prepared.OutputColumns.Select(c => c.Name).ToList())
            {
                HiddenFiles = prepared.Source.HiddenFiles,
                Preprocess = prepared.PreprocessPaths,
                ModelKind = prepared.Model.Kind,
                ModelName = prepared.Model.Name,
                ModelInputColumns = prepared.Model.Inputs,
                ModelOutputColumns = prepared.Model.Outputs,
                ModelCalls = (prepared.Model as FunctionJobModel)?.Calls,
            };
        }
    }

    /// <summary>
    /// Readies the job to run; the caller owns (and disposes) the prepared model. With <paramref name="stored"/> (what
    /// another node's preparation listed and learned) the source reads the files listed there and the preprocessing is
    /// built from the stored fit, rather than listed and fitted again.
    /// </summary>
    public async Task<PreparedJob> PrepareAsync(string jobName, JobDefinition job, CancellationToken cancellationToken, StoredRunPlan? stored = null)
    {
        var storedFit = stored?.Fit;
        var modelOptions = job.Model.Clone();
        modelOptions.ModelPath = paths.Resolve(job.Model.ModelPath);
        if (job.Model.Kind != Models.ModelKind.Function && Models.ModelDownloads.IsRemote(modelOptions.ModelPath))
        {
            try
            {
                modelOptions.ModelPath = await _models.LocalPathAsync(modelOptions.ModelPath, cancellationToken).ConfigureAwait(false);
            }
            catch (MlNetBatchException e)
            {
                throw new JobFailedException(jobName, $"model '{job.Model.ModelPath}': {e.Message}", e);
            }
        }

        if (modelOptions.IntraOpThreads == 0)
        {
            // Partitions already score in parallel: an operator that also spreads over every core makes the
            // concurrent runs fight for them and take cores from reading and writing (on the benchmark model, two
            // threads per run cost two thirds more processor time per row than one).
            modelOptions.IntraOpThreads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, job.Execution.Parallelism));
        }

        // Planning waits on storage (listing, footers, samples), loading on the model file and ONNX Runtime's session
        // build: side by side, the job starts sooner. A source failure is still the one reported.
        var loading = Task.Run(() => LoadModel(job, modelOptions), CancellationToken.None);
        PartitionedDataSource source;
        IReadOnlyList<Partition> partitions;
        try
        {
            // Listing and planning read footers and samples: retried like partitions when the storage hiccups.
            (source, partitions) = await PartitionRetries.Create(job.Execution, jobName, logger).ExecuteAsync(async ct =>
            {
                var sourcePaths = job.Source.AllPaths().Select(paths.Resolve).ToList();
                var opened = await PartitionedDataSource.OpenAsync(sourcePaths, stored?.Files, ((DataSourceOptions)job.Source).Clone(), resolver, formats, ct).ConfigureAwait(false);
                return (opened, await opened.GetPartitionsAsync().ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await DisposeWhenLoadedAsync(loading).ConfigureAwait(false);
            if (e is MlNetBatchException)
            {
                throw new JobFailedException(jobName, $"source '{string.Join(", ", job.Source.AllPaths())}': {e.Message}", e);
            }

            throw;
        }

        IJobModel model;
        try
        {
            model = await loading.ConfigureAwait(false);
        }
        catch (MlNetBatchException e)
        {
            throw new JobFailedException(jobName, e.Message, e);
        }

        ITransformer preprocess;
        IReadOnlyList<PreprocessStepPlan> stepPaths;
        FittedPreprocessing fitted;
        // Only an ONNX model's inputs can take a block stage folded into them.
        var foldable = model is OnnxJobModel onnxModel ? onnxModel.Model.Inputs.Select(i => i.Name).ToList() : [];
        var folding = new ModelInputFolding(modelOptions, foldable, job.Sink.Columns);
        try
        {
            var stageOptions = new BlockStageOptions { WorkerThreads = job.Execution.PreprocessThreads, PreserveOrder = job.Execution.PreserveRowOrder };
            // Bad rows in the fitting sample are the run's to quarantine when the job tolerates them; a strict job
            // fails on the first, as its run would.
            var sample = new BadRecordBudget(jobName, job.Execution).Tolerant ? source.WithBadRecords(DiscardedBadRecords.Instance) : source;
            (preprocess, stepPaths, fitted) = PreprocessPipelineBuilder.Build(
                new MLContext(), [.. job.Preprocess.Select(s => s.WithFilesResolved(paths))], sample.AsDataView(), stageOptions, folding, storedFit);
        }
        catch (DataFormatException e)
        {
            model.Dispose();
            throw new JobFailedException(jobName, $"fitting the preprocessing on the source's first rows: {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or MlNetBatchException)
        {
            model.Dispose();
            throw new JobFailedException(jobName, storedFit is null
                ? $"preprocessing does not fit the source's columns ({string.Join(", ", source.Columns)}): {e.Message}"
                : $"preprocessing cannot be built from the fit stored with the cluster run: {e.Message}", e);
        }

        if (folding.FoldedInputs.Count > 0 && model is OnnxJobModel folded)
        {
            try
            {
                // Same model and session, new bindings: the inputs that stages folded into read the stages' columns.
                using var unfolded = folded;
                model = new OnnxJobModel(unfolded.Model.Rebind(folding.Model, loggerFactory.CreateLogger<OnnxScoringModel>()));
                logger.LogDebug("Job {Job}: block stage(s) folded into model input(s) {Inputs}", jobName, folding.FoldedInputs);
            }
            catch (MlNetBatchException e)
            {
                throw new JobFailedException(jobName, e.Message, e);
            }
        }

        try
        {
            var preprocessedSchema = preprocess.GetOutputSchema(source.AsDataView().Schema);
            var scoredSchema = model.GetOutputSchema(preprocessedSchema);
            var outputNames = job.Sink.Columns.Count > 0
                ? job.Sink.Columns
                : source.Columns.Select(c => c.Name).Concat(model.OutputColumnNames).Distinct().ToList();
            var outputColumns = DataViewWriter.SelectColumns(scoredSchema, outputNames);
            var outputDirectory = ObjectLocation.Parse(paths.Resolve(job.Sink.Path));
            // A dry run refuses what the run would refuse.
            SinkPlacement.Check(outputDirectory, job.Source.AllPaths().Select(paths.Resolve).ToList(), source.Files);
            return new PreparedJob(source, partitions, preprocess, model, outputColumns, outputDirectory) { PreprocessPaths = stepPaths, Fitted = fitted };
        }
        catch (Exception e) when (e is MlNetBatchException or ArgumentException or InvalidOperationException)
        {
            model.Dispose();
            throw new JobFailedException(jobName, e.Message, e);
        }
    }

    /// <summary>Loads the job's model as its <see cref="ModelDefinition.Kind"/> says; <paramref name="onnxOptions"/> has the resolved path.</summary>
    private IJobModel LoadModel(JobDefinition job, ScoreOnnxOptions onnxOptions) => job.Model switch
    {
        { Kind: ModelKind.MlNet } definition => new MlNetJobModel(MlNetScoringModel.Load(onnxOptions.ModelPath), definition.OutputColumns),
        { Kind: ModelKind.Function } definition => new FunctionJobModel(
            (batchModels ?? throw new ModelException($"No batch model is registered as '{definition.Name}' (registered: none); register it with services.AddBatchModel<T>(\"{definition.Name}\").")).Resolve(definition.Name!),
            definition,
            job.Execution.Parallelism),
        _ => new OnnxJobModel(OnnxScoringModel.Load(onnxOptions, loggerFactory.CreateLogger<OnnxScoringModel>())),
    };

    private static async Task DisposeWhenLoadedAsync(Task<IJobModel> loading)
    {
        try
        {
            (await loading.ConfigureAwait(false)).Dispose();
        }
        catch (Exception)
        {
            // The model could not be loaded either; the source's failure is the one reported.
        }
    }

    /// <summary>Warns about what the run will do that the user may not expect: rounded floats, hidden input files.</summary>
    public void WarnAboutSource(string jobName, PreparedJob prepared)
    {
        foreach (var column in prepared.Source.Columns.Where(c => c.RoundedExample is not null))
        {
            logger.LogWarning("Job {Job}: column {Column} was inferred as float, which rounds some of its values ({Example}); declare it double in Source:Columns to keep them exactly",
                jobName, column.Name, column.RoundedExample);
        }

        if (prepared.Source.HiddenFiles.Count > 0)
        {
            logger.LogWarning("Job {Job}: {Count} input file(s) left out because a part of their path starts with '_' or '.' (hidden, as in Spark), for example {Example}; name them explicitly to read them",
                jobName, prepared.Source.HiddenFiles.Count, prepared.Source.HiddenFiles[0].Location);
        }
    }
}
