using Microsoft.ML.Data;

namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>Column names and formats of the taxi sample, shared by its files, its model and its job definitions.</summary>
public static class TaxiColumns
{
    /// <summary>The row key.</summary>
    public const string TripId = "trip_id";

    /// <summary>The vendor, a category.</summary>
    public const string VendorId = "vendor_id";

    /// <summary>The pickup time as text.</summary>
    public const string PickupDatetime = "pickup_datetime";

    /// <summary>The dropoff time as text.</summary>
    public const string DropoffDatetime = "dropoff_datetime";

    /// <summary>Passengers; empty (CSV) or null (Parquet) when missing.</summary>
    public const string PassengerCount = "passenger_count";

    /// <summary>Miles; negative on some bad rows.</summary>
    public const string TripDistance = "trip_distance";

    /// <summary>The payment type, a category.</summary>
    public const string PaymentType = "payment_type";

    /// <summary>The fare in dollars: the regression's label.</summary>
    public const string FareAmount = "fare_amount";

    /// <summary>The derived pickup hour, as the job's <c>DateTimeParts</c> step names it.</summary>
    public const string PickupHour = "pickup_hour";

    /// <summary>The derived pickup weekday (Sunday = 0), as the job's <c>DateTimeParts</c> step names it.</summary>
    public const string PickupDayOfWeek = "pickup_day_of_week";

    /// <summary>The derived trip duration in minutes.</summary>
    public const string TripMinutes = "trip_minutes";

    /// <summary>The format of all but a few of the timestamps.</summary>
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>The second format some rows use (a US-style export); a job reading <see cref="TimeFormat"/> quarantines them.</summary>
    public const string SecondTimeFormat = "MM/dd/yyyy hh:mm:ss tt";

    /// <summary>The zone the timestamps are local times of.</summary>
    public const string TimeZone = "America/New_York";

    /// <summary>The payment types, in the order of their share of trips.</summary>
    public static IReadOnlyList<string> PaymentTypes { get; } = ["CRD", "CSH", "NOC", "UNK", "DIS"];

    /// <summary>The vendors, in the order of their share of trips.</summary>
    public static IReadOnlyList<string> Vendors { get; } = ["VTS", "CMT", "DDS"];

    /// <summary>The columns of the files, in file order.</summary>
    public static IReadOnlyList<string> FileColumns { get; } =
        [TripId, VendorId, PickupDatetime, DropoffDatetime, PassengerCount, TripDistance, PaymentType, FareAmount];

    /// <summary>The CSV files' columns for stock ML.NET's <c>LoadFromTextFile</c>, in file order.</summary>
    public static TextLoader.Column[] CsvLoaderColumns() =>
    [
        new(TripId, DataKind.Int64, 0),
        new(VendorId, DataKind.String, 1),
        new(PickupDatetime, DataKind.String, 2),
        new(DropoffDatetime, DataKind.String, 3),
        new(PassengerCount, DataKind.Single, 4),
        new(TripDistance, DataKind.Single, 5),
        new(PaymentType, DataKind.String, 6),
        new(FareAmount, DataKind.Single, 7),
    ];
}
