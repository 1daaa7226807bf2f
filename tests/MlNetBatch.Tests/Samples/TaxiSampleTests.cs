using Microsoft.Extensions.Configuration;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Samples.Generator.Taxi;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Samples;

public class TaxiSampleTests
{
    private static string ZipModel => TaxiSample.ZipModelPath(RepositoryPaths.Samples);

    private static string OnnxModel => TaxiSample.OnnxModelPath(RepositoryPaths.Samples);

    [Fact]
    public void The_onnx_export_predicts_what_the_zip_model_transforms()
    {
        var rows = TaxiReferences.SampleRows().Cast<TaxiModelInput>().ToList();
        // Categories the model never saw, and values outside the training range, must agree too.
        rows.Add(new TaxiModelInput { VendorId = "XYZ", PaymentType = "CRD", PassengerCount = 1, TripDistance = 3, TripMinutes = 12, PickupHour = 8, PickupDayOfWeek = 1 });
        rows.Add(new TaxiModelInput { VendorId = "VTS", PaymentType = string.Empty, PassengerCount = 9, TripDistance = 90, TripMinutes = 400, PickupHour = 23, PickupDayOfWeek = 6 });
        rows.Add(new TaxiModelInput { VendorId = string.Empty, PaymentType = "VOID", PassengerCount = 0, TripDistance = 0, TripMinutes = 0, PickupHour = 0, PickupDayOfWeek = 0 });
        var mlContext = new MLContext();
        var model = mlContext.Model.Load(ZipModel, out _);

        var expected = TaxiReferences.Transform(mlContext, model, rows);
        var actual = TaxiReferences.RunOnnx(OnnxModel, rows, out var inputNames);

        Assert.Equal(TaxiReferences.InputNames.Order(), inputNames.Order());
        Assert.Equal(expected.Count, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"row {i}: .zip {expected[i]:R}, ONNX {actual[i]:R}");
        }

        // The unseen categories are scored, not rejected: a one-hot of zeros in both forms.
        Assert.All(actual[^3..], score => Assert.True(float.IsFinite(score)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void ScoreOnnx_on_the_onnx_export_gives_the_zip_models_scores(int batchSize)
    {
        // Text and scalar float inputs of shape [-1, 1]; batch size 0 is the automatic one, sized from those inputs.
        var rows = TaxiReferences.SampleRows().Take(500).Cast<TaxiModelInput>().ToList();
        var mlContext = new MLContext();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var expected = TaxiReferences.Transform(mlContext, mlContext.Model.Load(ZipModel, out _), rows);
        var options = new ScoreOnnxOptions { ModelPath = OnnxModel, Device = OnnxDevice.Cpu, BatchSize = batchSize };
        options.OutputColumns["Score.output"] = "predicted_fare";

        using var scorer = mlContext.Transforms.ScoreOnnx(options).Fit(data);
        var actual = DataViewReader.Vectors(scorer.Transform(data), "predicted_fare");

        Assert.Equal(expected.Count, actual.Count);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, Assert.Single(p.Second), 1e-4f * Math.Max(1, Math.Abs(p.First))));
    }

    [Fact]
    public void The_committed_models_are_what_the_generator_trains()
    {
        var rows = TaxiReferences.SampleRows();
        var mlContext = new MLContext(TaxiModel.Seed);
        var trained = TaxiModel.Train(mlContext, out _);
        using var onnx = new MemoryStream();
        TaxiModel.ExportOnnx(mlContext, trained, onnx);
        var committed = mlContext.Model.Load(ZipModel, out var schema);

        // The .zip's entries carry their write time, so the model is compared by what it predicts; the ONNX bytes are stable.
        Assert.Equal(TaxiReferences.Transform(mlContext, trained, rows), TaxiReferences.Transform(mlContext, committed, rows));
        Assert.Equal(File.ReadAllBytes(OnnxModel), onnx.ToArray());
        Assert.Equal(TaxiReferences.InputNames.Append(TaxiColumns.FareAmount).Order(), schema.Select(c => c.Name).Order());
    }

    [Fact]
    public void The_model_predicts_the_sample_fares_closely()
    {
        var rows = TaxiReferences.SampleRows();
        var mlContext = new MLContext();
        var scored = mlContext.Model.Load(ZipModel, out _).Transform(mlContext.Data.LoadFromEnumerable(rows));

        var metrics = mlContext.Regression.Evaluate(scored, labelColumnName: TaxiColumns.FareAmount);

        // The generator's noise has a standard deviation of $0.80; the sample files were not trained on.
        Assert.True(metrics.RSquared > 0.95, $"R² {metrics.RSquared}");
        Assert.True(metrics.MeanAbsoluteError < 1.5, $"MAE {metrics.MeanAbsoluteError}");
    }

    [Fact]
    public void The_taxi_job_file_names_the_sample_files_and_the_derivation_the_model_was_trained_on()
    {
        var file = Path.Combine(RepositoryPaths.Root, "config", "taxi.json");
        var jobs = new ConfigurationBuilder().AddJsonFile(file).Build().GetSection("MlNetBatch:Jobs");
        var folder = Path.GetDirectoryName(file)!;

        Assert.Equal(["taxi-onnx", "taxi-zip"], jobs.GetChildren().Select(j => j.Key).Order());
        Assert.Equal("MlNet", jobs["taxi-zip:Model:Kind"]);
        Assert.Equal(Path.GetFullPath(ZipModel), Path.GetFullPath(Path.Combine(folder, jobs["taxi-zip:Model:ModelPath"]!)));
        Assert.Equal(Path.GetFullPath(OnnxModel), Path.GetFullPath(Path.Combine(folder, jobs["taxi-onnx:Model:ModelPath"]!)));
        Assert.Equal("predicted_fare", jobs["taxi-zip:Model:OutputColumns:Score"]);
        Assert.Equal("predicted_fare", jobs["taxi-onnx:Model:OutputColumns:Score.output"]);
        foreach (var job in jobs.GetChildren())
        {
            var glob = Path.GetFullPath(Path.Combine(folder, job["Source:Path"]!));
            Assert.Equal(TaxiSample.Files, Directory.GetFiles(Path.GetDirectoryName(glob)!, Path.GetFileName(glob)).Length);
            var steps = job.GetSection("Preprocess").GetChildren().ToList();
            Assert.All(steps.Where(s => s["Transform"] == "DateTimeParts"), s => Assert.Equal((TaxiColumns.TimeFormat, TaxiColumns.TimeZone), (s["Format"], s["TimeZone"])));
            Assert.Contains(steps, s => s["Transform"] == "ReplaceMissingValues" && s["ReplacementValue"] == TaxiFeatures.MissingPassengers.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(steps, s => s["Transform"] == "Filter" && s["InputColumns:0"] == TaxiColumns.TripDistance && s["LowerBound"] == "0");
            var sink = job.GetSection("Sink:Columns").GetChildren().Select(c => c.Value).ToList();
            Assert.Equal([TaxiColumns.TripId, "predicted_fare"], sink.Take(2));
        }
    }

    [Fact]
    public void The_jobs_duration_expression_in_stock_mlnet_gives_the_minutes_the_model_was_trained_on()
    {
        var file = Path.Combine(RepositoryPaths.Root, "config", "taxi.json");
        var steps = new ConfigurationBuilder().AddJsonFile(file).Build().GetSection("MlNetBatch:Jobs:taxi-zip:Preprocess").GetChildren().ToList();
        var expression = steps.Single(s => s["Transform"] == "Expression");
        var convert = steps.Single(s => s["Transform"] == "ConvertType");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TaxiColumns.TimeZone);
        var trips = TaxiSample.FileTrips(0).Where(t => TaxiFeatures.Derive(t) is not null).ToList();
        // Unix times computed here from the text, independently of the generator's derivation.
        var times = trips.Select(t => new UnixTimes { Pickup = Unix(t.PickupDatetime, zone), Dropoff = Unix(t.DropoffDatetime, zone) }).ToList();
        var mlContext = new MLContext();
        var inputs = expression.GetSection("InputColumns").GetChildren().Select(c => c.Value!).ToArray();

        var pipeline = mlContext.Transforms.Expression(expression["OutputColumn"]!, expression["Expression"]!, inputs)
            .Append(mlContext.Transforms.Conversion.ConvertType(convert["OutputColumn"]!, convert["InputColumns:0"]!, DataKind.Single));
        var data = mlContext.Data.LoadFromEnumerable(times);
        var minutes = DataViewReader.Column<float>(pipeline.Fit(data).Transform(data), TaxiColumns.TripMinutes);

        Assert.Equal(trips.Select(t => TaxiFeatures.Derive(t)!.TripMinutes), minutes);
        Assert.All(minutes, m => Assert.InRange(m, 1f, 600f));
    }

    private static double Unix(string text, TimeZoneInfo zone)
    {
        var local = DateTime.ParseExact(text, TaxiColumns.TimeFormat, System.Globalization.CultureInfo.InvariantCulture);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUnixTimeSeconds();
    }

    private sealed class UnixTimes
    {
        [ColumnName("pickup_unix_time")]
        public double Pickup { get; set; }

        [ColumnName("dropoff_unix_time")]
        public double Dropoff { get; set; }
    }
}
