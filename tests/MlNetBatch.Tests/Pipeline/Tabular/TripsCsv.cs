using System.Globalization;
using System.Text;
using MlNetBatch.Samples.Generator;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>
/// Taxi-like CSV rows for job tests: the tabular model's features (id, f00…f15), a pickup time as text (some
/// unparseable), a payment type (some missing) and a fare (some missing).
/// </summary>
internal static class TripsCsv
{
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    public static Dictionary<string, string> Columns()
    {
        var columns = new Dictionary<string, string> { ["id"] = "long", ["pickup"] = "string", ["payment"] = "string", ["fare"] = "float" };
        foreach (var feature in TabularData.FeatureColumns)
        {
            columns[feature] = "float";
        }

        return columns;
    }

    /// <summary>One trip as written: its id, pickup text, payment and feature f00.</summary>
    public sealed record Trip(long Id, string Pickup, string Payment, float F00);

    /// <summary>Writes <paramref name="rows"/> trips from <paramref name="firstId"/>; rows in <paramref name="badTimes"/> get an unparseable pickup.</summary>
    public static List<Trip> Write(string path, long firstId, int rows, int seed, ISet<int> badTimes, string[] payments)
    {
        var random = new Random(seed);
        var trips = new List<Trip>();
        var text = new StringBuilder("id,").AppendJoin(',', TabularData.FeatureColumns).Append(",pickup,payment,fare\n");
        for (var r = 0; r < rows; r++)
        {
            var id = firstId + r;
            var f00 = (float)random.NextDouble();
            var pickup = badTimes.Contains(r)
                ? $"2024-02-30 25:{r % 60:00}:00"
                : new DateTime(2024, 1, 1).AddSeconds(random.Next(0, 365 * 86400)).ToString(TimeFormat, CultureInfo.InvariantCulture);
            var payment = random.NextDouble() < 0.1 ? string.Empty : payments[random.Next(payments.Length)];
            text.Append(id).Append(',').Append(f00.ToString("R", CultureInfo.InvariantCulture));
            for (var f = 1; f < TabularData.FeatureColumns.Count; f++)
            {
                text.Append(',').Append(((float)random.NextDouble()).ToString("R", CultureInfo.InvariantCulture));
            }

            var fare = random.NextDouble() < 0.1 ? string.Empty : (random.NextDouble() * 50).ToString("R", CultureInfo.InvariantCulture);
            text.Append(',').Append(pickup).Append(',').Append(payment).Append(',').Append(fare).Append('\n');
            trips.Add(new Trip(id, pickup, payment, f00));
        }

        File.WriteAllText(path, text.ToString());
        return trips;
    }
}
