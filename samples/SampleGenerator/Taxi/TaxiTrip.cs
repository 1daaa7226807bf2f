namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>One generated trip, as written to the sample files: timestamps are text, a missing passenger count is NaN.</summary>
public sealed record TaxiTrip(
    long TripId,
    string VendorId,
    string PickupDatetime,
    string DropoffDatetime,
    float PassengerCount,
    float TripDistance,
    string PaymentType,
    float FareAmount);
