using System.Globalization;

namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>
/// Derives the model's inputs from a trip the way the taxi jobs do: timestamps parsed with
/// <see cref="TaxiColumns.TimeFormat"/> as local times of <see cref="TaxiColumns.TimeZone"/> (others are bad rows),
/// negative distances filtered out, a missing passenger count replaced by <see cref="MissingPassengers"/>, and the
/// duration as the difference of the two unix times over 60.
/// </summary>
public static class TaxiFeatures
{
    /// <summary>The constant the jobs' <c>ReplaceMissingValues</c> step puts in place of a missing passenger count.</summary>
    public const float MissingPassengers = 1f;

    private static readonly TimeZoneInfo s_zone = TimeZoneInfo.FindSystemTimeZoneById(TaxiColumns.TimeZone);

    /// <summary>The model's inputs for <paramref name="trip"/>, or null for a row the job quarantines or filters out.</summary>
    public static TaxiTrainingRow? Derive(TaxiTrip trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        if (!TryParse(trip.PickupDatetime, out var pickup) || !TryParse(trip.DropoffDatetime, out var dropoff) || trip.TripDistance < 0)
        {
            return null;
        }

        return new TaxiTrainingRow
        {
            VendorId = trip.VendorId,
            PaymentType = trip.PaymentType,
            PassengerCount = float.IsNaN(trip.PassengerCount) ? MissingPassengers : trip.PassengerCount,
            TripDistance = trip.TripDistance,
            // In double, then narrowed, as the job's Expression and ConvertType steps do.
            TripMinutes = (float)((UnixSeconds(dropoff) - UnixSeconds(pickup)) / 60.0),
            PickupHour = pickup.Hour,
            PickupDayOfWeek = (float)pickup.DayOfWeek,
            FareAmount = trip.FareAmount,
        };
    }

    /// <summary>Whether <paramref name="text"/> is a time in the jobs' format.</summary>
    public static bool TryParse(string text, out DateTime local) =>
        DateTime.TryParseExact(text, TaxiColumns.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out local);

    private static double UnixSeconds(DateTime local) =>
        new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), s_zone.GetUtcOffset(local)).ToUnixTimeSeconds();
}
