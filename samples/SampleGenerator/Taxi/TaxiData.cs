using System.Globalization;

namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>
/// Generates taxi-like trips, deterministically from a seed: a rush-hour-shaped pickup time in April–June 2024 (no
/// daylight-saving change inside, so durations are plain differences), a log-normal distance, a speed that depends on
/// the hour, and a fare that is a function of distance, duration, hour, vendor, passengers and payment plus noise.
/// About 1% of rows use <see cref="TaxiColumns.SecondTimeFormat"/>, 0.5% have an unparseable pickup, 0.5% a negative
/// distance and 2.5% no passenger count.
/// </summary>
public static class TaxiData
{
    /// <summary>Share of rows whose timestamps are in the second format.</summary>
    public const double SecondFormatShare = 0.01;

    /// <summary>Share of rows whose pickup text is not a time.</summary>
    public const double UnparseableShare = 0.005;

    /// <summary>Share of rows with a negative distance.</summary>
    public const double NegativeDistanceShare = 0.005;

    /// <summary>Share of rows without a passenger count.</summary>
    public const double MissingPassengersShare = 0.025;

    private static readonly DateTime s_start = new(2024, 4, 1);
    private const int Days = 91;

    // Relative pickups per hour of day: a night trough, morning and evening peaks.
    private static readonly double[] s_hourWeights =
        [3, 2, 1.5, 1, 1, 1.5, 3, 5, 6.5, 6, 5.5, 5.5, 6, 6, 6, 6.5, 7, 8, 8.5, 8, 7, 6.5, 5.5, 4.5];

    private static readonly double[] s_passengerWeights = [0.70, 0.15, 0.05, 0.03, 0.04, 0.03];
    private static readonly double[] s_paymentWeights = [0.62, 0.30, 0.03, 0.03, 0.02];
    private static readonly double[] s_vendorWeights = [0.52, 0.43, 0.05];
    private static readonly string[] s_badTimes = ["2024-04-31 25:10:00", "N/A", "0000-00-00 00:00:00", "2024-06-15 17:61"];

    /// <summary>Trips with ids <paramref name="firstId"/> onwards; the same arguments give the same trips.</summary>
    public static IEnumerable<TaxiTrip> Generate(int seed, long firstId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            yield return Next(random, firstId + i);
        }
    }

    /// <summary>The fare the generator's noise is added to: what a perfect model would predict.</summary>
    public static double ExpectedFare(double miles, double minutes, int hour, string vendor, float passengers, string payment)
    {
        var fare = 3.00 + 2.50 * miles + 0.50 * minutes;
        fare += IsRush(hour) ? 2.50 : 0;
        fare += IsNight(hour) ? 1.00 : 0;
        fare += vendor == "DDS" ? 1.50 : 0;
        fare += passengers >= 5 ? 1.00 : 0;
        fare += payment switch { "CSH" => -0.50, "NOC" => -2.00, "DIS" => 3.00, _ => 0 };
        return fare;
    }

    private static TaxiTrip Next(Random random, long id)
    {
        // Every row draws the same number of values, so a row's values depend only on the seed and its position.
        var vendor = TaxiColumns.Vendors[Pick(random, s_vendorWeights)];
        var hour = Pick(random, s_hourWeights);
        var pickup = s_start.AddDays(random.Next(Days)).AddHours(hour).AddSeconds(random.Next(3600));
        var miles = Math.Clamp(Math.Round(Math.Exp(1.0 + 0.75 * Normal(random)), 2), 0.1, 40.0);
        var mph = (IsRush(hour) ? 9.0 : IsNight(hour) ? 20.0 : 13.0) * Math.Exp(0.25 * Normal(random));
        var seconds = Math.Max(60, (int)Math.Round((miles / mph * 60 + 1.5) * 60));
        var dropoff = pickup.AddSeconds(seconds);
        var passengers = (float)(Pick(random, s_passengerWeights) + 1);
        var payment = TaxiColumns.PaymentTypes[Pick(random, s_paymentWeights)];
        var noise = Normal(random);
        var quirk = random.NextDouble();
        var missing = random.NextDouble() < MissingPassengersShare;
        var badText = s_badTimes[random.Next(s_badTimes.Length)];

        var fare = Math.Max(3.0, Math.Round(ExpectedFare(miles, seconds / 60.0, hour, vendor, passengers, payment) + 0.8 * noise, 2));
        var format = quirk < SecondFormatShare ? TaxiColumns.SecondTimeFormat : TaxiColumns.TimeFormat;
        var pickupText = quirk >= SecondFormatShare && quirk < SecondFormatShare + UnparseableShare ? badText : Text(pickup, format);
        var negative = quirk >= SecondFormatShare + UnparseableShare && quirk < SecondFormatShare + UnparseableShare + NegativeDistanceShare;

        return new TaxiTrip(
            id,
            vendor,
            pickupText,
            Text(dropoff, format),
            missing ? float.NaN : passengers,
            (float)(negative ? -miles : miles),
            payment,
            (float)fare);
    }

    private static bool IsRush(int hour) => hour is >= 7 and <= 9 or >= 16 and <= 19;

    private static bool IsNight(int hour) => hour is >= 22 or <= 5;

    private static string Text(DateTime time, string format) => time.ToString(format, CultureInfo.InvariantCulture);

    private static int Pick(Random random, double[] weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var u = random.NextDouble() * total;
        for (var i = 0; i < weights.Length - 1; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    // Box–Muller; 1 - NextDouble() keeps the logarithm's argument above zero.
    private static double Normal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
