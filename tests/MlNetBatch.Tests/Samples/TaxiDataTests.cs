using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Samples.Generator.Taxi;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Samples;

public partial class TaxiDataTests
{
    private const int Trips = 20_000;

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(100)]
    public void Generation_is_deterministic_per_seed_and_independent_of_the_count(int seed)
    {
        var trips = TaxiData.Generate(seed, 50, 400).ToList();

        Assert.Equal(trips, TaxiData.Generate(seed, 50, 400));
        Assert.Equal(trips.Take(123), TaxiData.Generate(seed, 50, 123));
        Assert.Equal(Enumerable.Range(50, 400).Select(i => (long)i), trips.Select(t => t.TripId));
        Assert.NotEqual(trips, TaxiData.Generate(seed + 1, 50, 400));
    }

    [Fact]
    public void Trips_have_categories_missing_values_and_bad_rows_in_the_promised_shares()
    {
        var trips = TaxiData.Generate(5, 0, Trips).ToList();

        var secondFormat = trips.Count(t => SecondFormat().IsMatch(t.PickupDatetime) && SecondFormat().IsMatch(t.DropoffDatetime));
        var unparseable = trips.Count(t => !SecondFormat().IsMatch(t.PickupDatetime) && !FirstFormat(t.PickupDatetime, out _));
        var negative = trips.Count(t => t.TripDistance < 0);
        var missing = trips.Count(t => float.IsNaN(t.PassengerCount));

        AssertShare(TaxiData.SecondFormatShare, secondFormat);
        AssertShare(TaxiData.UnparseableShare, unparseable);
        AssertShare(TaxiData.NegativeDistanceShare, negative);
        AssertShare(TaxiData.MissingPassengersShare, missing);
        Assert.Equal(TaxiColumns.PaymentTypes, trips.CountBy(t => t.PaymentType).OrderByDescending(p => p.Value).Select(p => p.Key).Take(2).Concat(TaxiColumns.PaymentTypes.Skip(2)));
        Assert.Equal(TaxiColumns.PaymentTypes.Order(), trips.Select(t => t.PaymentType).Distinct().Order());
        Assert.Equal(TaxiColumns.Vendors.Order(), trips.Select(t => t.VendorId).Distinct().Order());
        Assert.All(trips.Where(t => !float.IsNaN(t.PassengerCount)), t => Assert.InRange(t.PassengerCount, 1f, 6f));
        // The rows a job derives from are exactly those that are neither in another format, unparseable nor negative.
        Assert.Equal(Trips - secondFormat - unparseable - negative, trips.Count(t => TaxiFeatures.Derive(t) is not null));
    }

    [Fact]
    public void Good_trips_are_plausible_rides_with_the_fare_a_function_of_distance_duration_and_hour()
    {
        var good = TaxiData.Generate(6, 0, Trips).Where(t => FirstFormat(t.PickupDatetime, out _) && t.TripDistance >= 0).ToList();
        var residuals = new List<double>();
        var rushMph = new List<double>();
        var nightMph = new List<double>();
        foreach (var trip in good)
        {
            Assert.True(FirstFormat(trip.PickupDatetime, out var pickup));
            Assert.True(FirstFormat(trip.DropoffDatetime, out var dropoff));
            var minutes = (dropoff - pickup).TotalMinutes;
            Assert.InRange(minutes, 1, 600);
            Assert.InRange(trip.TripDistance, 0.1f, 40f);
            Assert.InRange(pickup, new DateTime(2024, 4, 1), new DateTime(2024, 7, 1));
            var expected = TaxiData.ExpectedFare(trip.TripDistance, minutes, pickup.Hour, trip.VendorId, trip.PassengerCount, trip.PaymentType);
            residuals.Add(trip.FareAmount - expected);
            (pickup.Hour is 8 or 17 or 18 ? rushMph : pickup.Hour is >= 0 and <= 4 ? nightMph : []).Add(trip.TripDistance / (minutes / 60));
        }

        // Noise of $0.80 around the formula (the $3 minimum fare lifts a few), and rides slower in rush hour than at night.
        Assert.InRange(residuals.Average(), -0.1, 0.1);
        Assert.InRange(Math.Sqrt(residuals.Average(r => r * r)), 0.7, 0.9);
        Assert.True(rushMph.Average() < 0.7 * nightMph.Average(), $"rush {rushMph.Average():F1} mph, night {nightMph.Average():F1} mph");
    }

    [Fact]
    public void The_committed_csv_and_parquet_files_hold_the_generated_trips()
    {
        var mlContext = new MLContext();
        for (var file = 0; file < TaxiSample.Files; file++)
        {
            var trips = TaxiSample.FileTrips(file);
            var csv = mlContext.Data.LoadFromTextFile(
                TaxiSample.DataPath(RepositoryPaths.Samples, file, "csv"),
                // Without MissingRealsAsNaNs the stock loader reads an empty field as 0.
                new TextLoader.Options { Columns = TaxiColumns.CsvLoaderColumns(), Separators = [','], HasHeader = true, MissingRealsAsNaNs = true });
            var parquet = mlContext.Data.LoadFromParquet(TaxiSample.DataPath(RepositoryPaths.Samples, file, "parquet"));

            foreach (var view in new[] { csv, parquet })
            {
                Assert.Equal(trips.Select(t => t.TripId), DataViewReader.Column<long>(view, TaxiColumns.TripId));
                Assert.Equal(trips.Select(t => t.VendorId), DataViewReader.Text(view, TaxiColumns.VendorId));
                Assert.Equal(trips.Select(t => t.PickupDatetime), DataViewReader.Text(view, TaxiColumns.PickupDatetime));
                Assert.Equal(trips.Select(t => t.DropoffDatetime), DataViewReader.Text(view, TaxiColumns.DropoffDatetime));
                // Missing counts read back as NaN from both the empty CSV field and the Parquet null.
                Assert.Equal(trips.Select(t => t.PassengerCount), DataViewReader.Column<float>(view, TaxiColumns.PassengerCount));
                Assert.Equal(trips.Select(t => t.TripDistance), DataViewReader.Column<float>(view, TaxiColumns.TripDistance));
                Assert.Equal(trips.Select(t => t.PaymentType), DataViewReader.Text(view, TaxiColumns.PaymentType));
                Assert.Equal(trips.Select(t => t.FareAmount), DataViewReader.Column<float>(view, TaxiColumns.FareAmount));
            }

            Assert.Contains(trips, t => float.IsNaN(t.PassengerCount));
            Assert.Contains(trips, t => TaxiFeatures.Derive(t) is null);
        }
    }


    // Within four standard deviations of a binomial count: fails on a wrong share, not on chance.
    private static void AssertShare(double share, int count)
    {
        var mean = share * Trips;
        var sd = Math.Sqrt(Trips * share * (1 - share));
        Assert.InRange(count, mean - 4 * sd, mean + 4 * sd);
    }

    private static bool FirstFormat(string text, out DateTime time) =>
        DateTime.TryParseExact(text, "yyyy'-'MM'-'dd' 'HH':'mm':'ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    [GeneratedRegex(@"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d [AP]M$")]
    private static partial Regex SecondFormat();
}
