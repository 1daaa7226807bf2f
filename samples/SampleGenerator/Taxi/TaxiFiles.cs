using System.Globalization;
using System.Text;
using ParquetSharp;

namespace MlNetBatch.Samples.Generator.Taxi;

/// <summary>Writes trips as CSV (a header, a missing passenger count as an empty field) or Parquet (a null).</summary>
public static class TaxiFiles
{
    /// <summary>Writes <paramref name="trips"/> as CSV with a header row; returns the rows written.</summary>
    public static long WriteCsv(string path, IEnumerable<TaxiTrip> trips)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(trips);
        CreateDirectoryOf(path);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        writer.NewLine = "\n";
        writer.WriteLine(string.Join(',', TaxiColumns.FileColumns));
        long rows = 0;
        var line = new StringBuilder();
        foreach (var t in trips)
        {
            line.Clear()
                .Append(t.TripId).Append(',')
                .Append(t.VendorId).Append(',')
                .Append(t.PickupDatetime).Append(',')
                .Append(t.DropoffDatetime).Append(',')
                .Append(float.IsNaN(t.PassengerCount) ? string.Empty : Number(t.PassengerCount)).Append(',')
                .Append(Number(t.TripDistance)).Append(',')
                .Append(t.PaymentType).Append(',')
                .Append(Number(t.FareAmount));
            writer.WriteLine(line);
            rows++;
        }

        return rows;
    }

    /// <summary>Writes <paramref name="trips"/> as Parquet in row groups of at most <paramref name="rowGroupSize"/> rows.</summary>
    public static void WriteParquet(string path, IReadOnlyList<TaxiTrip> trips, int rowGroupSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(trips);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowGroupSize);

        Column[] columns =
        [
            new Column<long>(TaxiColumns.TripId),
            new Column<string>(TaxiColumns.VendorId),
            new Column<string>(TaxiColumns.PickupDatetime),
            new Column<string>(TaxiColumns.DropoffDatetime),
            // Optional, so a missing count is a null, as in the TLC's own Parquet files.
            new Column<float?>(TaxiColumns.PassengerCount),
            new Column<float>(TaxiColumns.TripDistance),
            new Column<string>(TaxiColumns.PaymentType),
            new Column<float>(TaxiColumns.FareAmount),
        ];

        CreateDirectoryOf(path);
        using var file = new ParquetFileWriter(path, columns);
        for (var start = 0; start < trips.Count; start += rowGroupSize)
        {
            var group = trips.Skip(start).Take(rowGroupSize).ToList();
            using var rowGroup = file.AppendRowGroup();
            Write(rowGroup, group.Select(t => t.TripId).ToArray());
            Write(rowGroup, group.Select(t => t.VendorId).ToArray());
            Write(rowGroup, group.Select(t => t.PickupDatetime).ToArray());
            Write(rowGroup, group.Select(t => t.DropoffDatetime).ToArray());
            Write(rowGroup, group.Select(t => float.IsNaN(t.PassengerCount) ? (float?)null : t.PassengerCount).ToArray());
            Write(rowGroup, group.Select(t => t.TripDistance).ToArray());
            Write(rowGroup, group.Select(t => t.PaymentType).ToArray());
            Write(rowGroup, group.Select(t => t.FareAmount).ToArray());
        }

        file.Close();
    }

    private static void Write<T>(RowGroupWriter rowGroup, T[] values)
    {
        using var writer = rowGroup.NextColumn().LogicalWriter<T>();
        writer.WriteBatch(values);
    }

    private static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void CreateDirectoryOf(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
