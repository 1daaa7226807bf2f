using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Samples.Generator.Taxi;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// The taxi job as a user would write it in stock ML.NET: <c>LoadFromTextFile</c> (missing numbers as NaN), a
/// distance filter, a <c>CustomMapping</c> that parses the timestamps into the pickup hour, weekday and trip minutes
/// (stock ML.NET has no date-time parsing transform; unparseable rows get NaN and are filtered out, as stock ML.NET
/// has no quarantine), an <c>Expression</c> for the missing passenger count, the saved model's <c>Transform</c>, and
/// <c>SaveAsText</c> of the job's output columns.
/// </summary>
internal sealed class StockTaxiPipeline(MLContext mlContext, ITransformer model)
{
    /// <summary>The output columns, as the taxi jobs write them.</summary>
    public static readonly string[] OutputColumns =
    [
        TaxiColumns.TripId, TaxiModel.ScoreColumn, TaxiColumns.FareAmount, TaxiColumns.PickupDatetime, TaxiColumns.VendorId,
        TaxiColumns.PaymentType, TaxiColumns.PassengerCount, TaxiColumns.TripDistance, TaxiColumns.TripMinutes,
    ];

    private static readonly TimeZoneInfo s_zone = TimeZoneInfo.FindSystemTimeZoneById(TaxiColumns.TimeZone);

    /// <summary>Reads <paramref name="csvFiles"/>, scores them and writes <paramref name="output"/>.</summary>
    public void Run(IReadOnlyList<string> csvFiles, string output)
    {
        var loader = mlContext.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = TaxiColumns.CsvLoaderColumns(),
            Separators = [','],
            HasHeader = true,
            // Without it an empty passenger count would read as 0, not as missing.
            MissingRealsAsNaNs = true,
        });
        var data = loader.Load(new MultiFileSource([.. csvFiles]));
        data = mlContext.Data.FilterRowsByColumn(data, TaxiColumns.TripDistance, lowerBound: 0);
        var derive = mlContext.Transforms.CustomMapping<TripTimes, TripParts>(Derive, contractName: null)
            .Append(mlContext.Transforms.Expression(TaxiColumns.PassengerCount, $"p => isna(p) ? {TaxiFeatures.MissingPassengers} : p", TaxiColumns.PassengerCount));
        var derived = mlContext.Data.FilterRowsByMissingValues(derive.Fit(data).Transform(data), TaxiColumns.TripMinutes);
        var scored = model.Transform(derived);
        scored = mlContext.Transforms.SelectColumns(OutputColumns).Fit(scored).Transform(scored);
        using var stream = File.Create(output);
        mlContext.Data.SaveAsText(scored, stream, separatorChar: ',', headerRow: true, schema: false);
    }

    private static void Derive(TripTimes input, TripParts output)
    {
        if (TaxiFeatures.TryParse(input.Pickup, out var pickup) && TaxiFeatures.TryParse(input.Dropoff, out var dropoff))
        {
            output.Hour = pickup.Hour;
            output.DayOfWeek = (float)pickup.DayOfWeek;
            output.Minutes = (float)((Unix(dropoff) - Unix(pickup)) / 60.0);
        }
        else
        {
            (output.Hour, output.DayOfWeek, output.Minutes) = (float.NaN, float.NaN, float.NaN);
        }
    }

    private static double Unix(DateTime local) => new DateTimeOffset(local, s_zone.GetUtcOffset(local)).ToUnixTimeSeconds();


    /// <summary>The CustomMapping's input.</summary>
    internal sealed class TripTimes
    {
        [ColumnName(TaxiColumns.PickupDatetime)]
        public string Pickup { get; set; } = string.Empty;

        [ColumnName(TaxiColumns.DropoffDatetime)]
        public string Dropoff { get; set; } = string.Empty;
    }

    /// <summary>The CustomMapping's output.</summary>
    internal sealed class TripParts
    {
        [ColumnName(TaxiColumns.PickupHour)]
        public float Hour { get; set; }

        [ColumnName(TaxiColumns.PickupDayOfWeek)]
        public float DayOfWeek { get; set; }

        [ColumnName(TaxiColumns.TripMinutes)]
        public float Minutes { get; set; }
    }
}
