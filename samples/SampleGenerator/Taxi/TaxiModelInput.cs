using Microsoft.ML.Data;

namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>The columns the taxi-fare model reads, as a job gives them after its preprocessing steps.</summary>
public class TaxiModelInput
{
    /// <summary>The vendor.</summary>
    [ColumnName(TaxiColumns.VendorId)]
    public string VendorId { get; set; } = string.Empty;

    /// <summary>The payment type.</summary>
    [ColumnName(TaxiColumns.PaymentType)]
    public string PaymentType { get; set; } = string.Empty;

    /// <summary>Passengers, a missing count replaced by 1.</summary>
    [ColumnName(TaxiColumns.PassengerCount)]
    public float PassengerCount { get; set; }

    /// <summary>Miles.</summary>
    [ColumnName(TaxiColumns.TripDistance)]
    public float TripDistance { get; set; }

    /// <summary>Dropoff minus pickup, in minutes.</summary>
    [ColumnName(TaxiColumns.TripMinutes)]
    public float TripMinutes { get; set; }

    /// <summary>The pickup's local hour, 0–23.</summary>
    [ColumnName(TaxiColumns.PickupHour)]
    public float PickupHour { get; set; }

    /// <summary>The pickup's local weekday, Sunday = 0.</summary>
    [ColumnName(TaxiColumns.PickupDayOfWeek)]
    public float PickupDayOfWeek { get; set; }
}

/// <summary>A training row: the model's inputs and the fare.</summary>
public sealed class TaxiTrainingRow : TaxiModelInput
{
    /// <summary>The fare, the label.</summary>
    [ColumnName(TaxiColumns.FareAmount)]
    public float FareAmount { get; set; }
}
