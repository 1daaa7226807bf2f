using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator.Taxi;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Samples;

/// <summary>The two jobs of config/taxi.json, run as written over the committed sample files.</summary>
public class TaxiJobTests
{
    [Theory]
    [InlineData("taxi-zip", "parquet")]
    [InlineData("taxi-onnx", "csv")]
    public async Task The_taxi_job_scores_as_the_zip_models_Transform_and_quarantines_the_unparseable_times(string name, string extension)
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(RepositoryPaths.Root, "config", "taxi.json");
        var job = new ConfigurationBuilder().AddJsonFile(file).Build().GetSection($"MlNetBatch:Jobs:{name}").Get<JobDefinition>()!;
        job.Sink.Path = dir.Combine("out");
        var trips = Enumerable.Range(0, TaxiSample.Files).SelectMany(TaxiSample.FileTrips).ToList();
        var unparseable = trips.Where(t => !TaxiFeatures.TryParse(t.PickupDatetime, out _) || !TaxiFeatures.TryParse(t.DropoffDatetime, out _)).ToList();
        var good = trips.Select(TaxiFeatures.Derive).OfType<TaxiTrainingRow>().ToList();

        var summary = await new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(Path.GetDirectoryName(file)!)).RunAsync(name, job);

        Assert.Equal((trips.Count, good.Count, unparseable.Count), (summary.RowsIn, summary.RowsOut, summary.BadRows));
        Assert.Equal(trips.Count - unparseable.Count - good.Count, summary.FilteredRows);
        var quarantined = Directory.GetFiles(dir.Combine("out", "_quarantine")).SelectMany(File.ReadLines).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var quarantinedIds = quarantined.Select(q =>
        {
            var path = q.GetProperty("File").GetString()!;
            Assert.EndsWith(extension, path);
            return int.Parse(Path.GetFileNameWithoutExtension(path)["trips-".Length..]) * TaxiSample.TripsPerFile + q.GetProperty("Row").GetInt64();
        });
        Assert.Equal(unparseable.Select(t => t.TripId).Order(), quarantinedIds.Order());

        var mlContext = new MLContext();
        var expected = TaxiReferences.Transform(mlContext, mlContext.Model.Load(TaxiSample.ZipModelPath(RepositoryPaths.Samples), out _), good);
        var output = mlContext.Data.LoadFromParquet(dir.Combine("out"));
        var predicted = output.Schema["predicted_fare"].Type is VectorDataViewType
            ? DataViewReader.Vectors(output, "predicted_fare").Select(v => Assert.Single(v)).ToList()
            : DataViewReader.Column<float>(output, "predicted_fare");
        var byId = DataViewReader.Column<long>(output, TaxiColumns.TripId).Zip(predicted).ToDictionary(p => p.First, p => p.Second);
        var ids = trips.Where(t => TaxiFeatures.Derive(t) is not null).Select(t => t.TripId).ToList();
        Assert.Equal(ids.Order(), byId.Keys.Order());
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(expected[i], byId[ids[i]], 1e-4f * Math.Max(1, Math.Abs(expected[i])));
        }
    }
}
