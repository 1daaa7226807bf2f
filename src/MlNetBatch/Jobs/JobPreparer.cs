using Microsoft.Extensions.Logging;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Sinks;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>
/// Readies a job for planning or running: opens the source and plans its partitions (retried like partitions when
/// storage hiccups), loads the model, folds a Concatenate into it, fits the preprocessing and checks source,
/// preprocessing, model and sink columns against each other. Every failure is a <see cref="JobFailedException"/>.
/// </summary>
internal sealed class JobPreparer(ObjectStoreResolver resolver, JobPaths paths, ILoggerFactory loggerFactory, ILogger logger)
{
    public async Task<PreparedJob> PrepareAsync(string jobName, JobDefinition job, CancellationToken cancellationToken)
    {
        PartitionedDataSource source;
        IReadOnlyList<Partition> partitions;
        try
        {
            // Listing and planning read footers and samples: retried like partitions when the storage hiccups.
            (source, partitions) = await PartitionRun.CreateRetryPipeline(job, jobName, logger).ExecuteAsync(async ct =>
            {
                var sourcePaths = job.Source.AllPaths().Select(paths.Resolve).ToList();
                var opened = await PartitionedDataSource.OpenAsync(sourcePaths, ((DataSourceOptions)job.Source).Clone(), resolver, ct).ConfigureAwait(false);
                return (opened, await opened.GetPartitionsAsync().ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (MlNetBatchException e)
        {
            throw new JobFailedException(jobName, $"source '{string.Join(", ", job.Source.AllPaths())}': {e.Message}", e);
        }

        var modelOptions = job.Model.Clone();
        modelOptions.ModelPath = paths.Resolve(job.Model.ModelPath);
        if (modelOptions.IntraOpThreads == 0)
        {
            // Partitions already score in parallel: an operator that also spreads over every core makes the
            // concurrent runs fight for them and take cores from reading and writing (on the benchmark model, two
            // threads per run cost two thirds more processor time per row than one).
            modelOptions.IntraOpThreads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, job.Execution.Parallelism));
        }

        var steps = (IReadOnlyList<PreprocessStep>)job.Preprocess;
        OnnxScoringModel model;
        try
        {
            model = OnnxScoringModel.Load(modelOptions, loggerFactory.CreateLogger<OnnxScoringModel>());
            var fusion = ConcatenateFusion.Apply(job.Preprocess, modelOptions, model.Inputs.Select(i => i.Name).ToList(), job.Sink.Columns);
            if (fusion.FusedInputs.Count > 0)
            {
                // Same model bytes, new bindings: the fused inputs read their columns directly.
                using var unfused = model;
                model = OnnxScoringModel.Load(unfused.Bytes, unfused.Name, fusion.Model, loggerFactory.CreateLogger<OnnxScoringModel>());
                steps = fusion.Steps;
                logger.LogDebug("Job {Job}: Concatenate folded into model input(s) {Inputs}", jobName, fusion.FusedInputs);
            }
        }
        catch (MlNetBatchException e)
        {
            throw new JobFailedException(jobName, e.Message, e);
        }

        ITransformer preprocess;
        try
        {
            preprocess = PreprocessPipelineBuilder.Build(new MLContext(), steps, source.AsDataView());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or MlNetBatchException)
        {
            model.Dispose();
            throw new JobFailedException(jobName, $"preprocessing does not fit the source's columns ({string.Join(", ", source.Columns)}): {e.Message}", e);
        }

        try
        {
            var preprocessedSchema = preprocess.GetOutputSchema(source.AsDataView().Schema);
            model.CheckInputs(preprocessedSchema);
            var scorer = new ScoreOnnxTransformer(model, preprocessedSchema);
            var scoredSchema = scorer.GetOutputSchema(preprocessedSchema);
            var outputNames = job.Sink.Columns.Count > 0
                ? job.Sink.Columns
                : source.Columns.Select(c => c.Name).Concat(model.Outputs.Select(o => o.ColumnName)).Distinct().ToList();
            var outputColumns = DataViewWriter.SelectColumns(scoredSchema, outputNames);
            return new PreparedJob(source, partitions, preprocess, model, scorer, outputColumns);
        }
        catch (Exception e) when (e is MlNetBatchException or ArgumentException or InvalidOperationException)
        {
            model.Dispose();
            throw new JobFailedException(jobName, e.Message, e);
        }
    }
}

/// <summary>A job ready to run: its source and partitions, fitted preprocessing, model, scorer and sink columns.</summary>
internal sealed record PreparedJob(
    PartitionedDataSource Source,
    IReadOnlyList<Partition> Partitions,
    ITransformer Preprocess,
    OnnxScoringModel Model,
    ScoreOnnxTransformer Scorer,
    IReadOnlyList<SinkColumn> OutputColumns);
