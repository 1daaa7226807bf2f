using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>
/// The taxi-fare regression, as ML.NET's own taxi-fare sample builds it: one-hot encoded vendor and payment type,
/// concatenated with the numeric columns into <c>Features</c>, and a FastTree regression on <c>fare_amount</c> giving
/// <c>Score</c>. Trained single-threaded from a fixed seed, so the same trips give the same trees.
/// </summary>
public static class TaxiModel
{
    /// <summary>The MLContext seed.</summary>
    public const int Seed = 42;

    /// <summary>The generator seed of the training trips (not the sample files' seeds).</summary>
    public const int TrainingDataSeed = 1000;

    /// <summary>Trips generated for training; the bad and filtered ones are left out.</summary>
    public const int TrainingTrips = 20_000;

    /// <summary>The model's output column.</summary>
    public const string ScoreColumn = "Score";

    /// <summary>The stock ML.NET pipeline, untrained.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = TaxiColumns.FareAmount,
            FeatureColumnName = "Features",
            NumberOfLeaves = 20,
            NumberOfTrees = 100,
            MinimumExampleCountPerLeaf = 10,
            LearningRate = 0.2,
            // One thread: FastTree's result must not depend on the machine's core count.
            NumberOfThreads = 1,
        };

        return mlContext.Transforms.Categorical.OneHotEncoding("vendor_onehot", TaxiColumns.VendorId)
            .Append(mlContext.Transforms.Categorical.OneHotEncoding("payment_onehot", TaxiColumns.PaymentType))
            .Append(mlContext.Transforms.Concatenate(
                "Features",
                "vendor_onehot",
                "payment_onehot",
                TaxiColumns.PassengerCount,
                TaxiColumns.TripDistance,
                TaxiColumns.TripMinutes,
                TaxiColumns.PickupHour,
                TaxiColumns.PickupDayOfWeek))
            .Append(mlContext.Regression.Trainers.FastTree(options));
    }

    /// <summary>The training rows: <see cref="TrainingTrips"/> generated trips, derived as the jobs derive them.</summary>
    public static IReadOnlyList<TaxiTrainingRow> TrainingRows() =>
        TaxiData.Generate(TrainingDataSeed, 0, TrainingTrips).Select(TaxiFeatures.Derive).OfType<TaxiTrainingRow>().ToList();

    /// <summary>Trains the model on <see cref="TrainingRows"/>.</summary>
    public static ITransformer Train(MLContext mlContext, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var data = mlContext.Data.LoadFromEnumerable(TrainingRows());
        inputSchema = data.Schema;
        return Pipeline(mlContext).Fit(data);
    }

    /// <summary>
    /// Exports <paramref name="model"/> to ONNX. The inputs are the columns of <see cref="TaxiModelInput"/> only
    /// (ML.NET makes every column of the data it is given an input, and a scoring job has no label).
    /// </summary>
    public static void ExportOnnx(MLContext mlContext, ITransformer model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        var inputs = mlContext.Data.LoadFromEnumerable(Array.Empty<TaxiModelInput>());
        mlContext.Model.ConvertToOnnx(model, inputs, destination);
    }
}
