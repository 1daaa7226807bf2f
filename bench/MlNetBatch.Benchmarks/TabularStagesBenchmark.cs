using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Pipeline.Stages.Tabular;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// <c>--tabular [runs] [rows]</c>: the tabular block stages against their stock ML.NET twins on the same CSV read by
/// MlNetBatch's source (OneHotEncoding, MapValueToKey and Hash of a category, ReplaceMissingValues of a float with
/// its mean), each output drained through getters; and the source alone, the floor both share.
/// </summary>
internal static class TabularStagesBenchmark
{
    public static void Run(string work, int runs, int rows)
    {
        var path = Path.Combine(work, "trips.csv");
        Write(path, rows);
        var ml = new MLContext(1);
        var source = ml.Data.LoadFromCsv(path, new DataSourceOptions { Columns = new() { ["id"] = "long", ["payment"] = "string", ["fare"] = "float" } });
        var stock = ml.Transforms.Categorical.OneHotEncoding("onehot", "payment")
            .Append(ml.Transforms.Conversion.MapValueToKey("key", "payment"))
            .Append(ml.Transforms.Conversion.Hash("hash", "payment"))
            .Append(ml.Transforms.ReplaceMissingValues("fare_filled", "fare", Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Fit(source);
        var block = ml.Transforms.Categorical.OneHotEncodingBlocks("onehot", "payment")
            .Append(ml.Transforms.Conversion.MapValueToKeyBlocks("key", "payment"))
            .Append(ml.Transforms.Conversion.HashBlocks("hash", "payment"))
            .Append(ml.Transforms.ReplaceMissingValuesBlocks("fare_filled", "fare", MissingValueReplacement.Mean))
            .Fit(source);
        Console.WriteLine($"Tabular stages benchmark: {rows:N0} CSV rows, {runs} interleaved runs, {Environment.ProcessorCount} cores");
        var (read, stockRates, blockRates) = (new List<double>(), new List<double>(), new List<double>());
        for (var run = 0; run < runs; run++)
        {
            read.Add(Time(rows, () => DrainSource(source)));
            stockRates.Add(Time(rows, () => DrainOutputs(stock.Transform(source))));
            blockRates.Add(Time(rows, () => DrainOutputs(block.Transform(source))));
        }

        Console.WriteLine($"  source alone (id, payment, fare): {Median(read):N0} rows/s");
        Console.WriteLine($"  stock transforms:                 {Median(stockRates):N0} rows/s");
        Console.WriteLine($"  block stages:                     {Median(blockRates):N0} rows/s   (block / stock, of medians: {Median(blockRates) / Median(stockRates):N2})");
    }

    private static void Write(string path, int rows)
    {
        var random = new Random(1);
        string[] payments = ["cash", "card", "dispute", "no charge", "unknown", "voucher"];
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("id,payment,fare\n");
        for (var r = 0; r < rows; r++)
        {
            writer.Write(r.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(random.NextDouble() < 0.05 ? string.Empty : payments[random.Next(payments.Length)]);
            writer.Write(',');
            writer.Write(random.NextDouble() < 0.05 ? string.Empty : (random.NextDouble() * 60).ToString("F2", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }

    private static void DrainSource(IDataView view)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        var payment = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["payment"]);
        var fare = cursor.GetGetter<float>(view.Schema["fare"]);
        ReadOnlyMemory<char> text = default;
        float number = 0;
        while (cursor.MoveNext())
        {
            payment(ref text);
            fare(ref number);
        }
    }

    private static void DrainOutputs(IDataView view)
    {
        var columns = new[] { view.Schema["onehot"], view.Schema["key"], view.Schema["hash"], view.Schema["fare_filled"] };
        using var cursor = view.GetRowCursor(columns);
        var onehot = cursor.GetGetter<VBuffer<float>>(columns[0]);
        var key = cursor.GetGetter<uint>(columns[1]);
        var hash = cursor.GetGetter<uint>(columns[2]);
        var fare = cursor.GetGetter<float>(columns[3]);
        VBuffer<float> vector = default;
        uint k = 0;
        float f = 0;
        while (cursor.MoveNext())
        {
            onehot(ref vector);
            key(ref k);
            hash(ref k);
            fare(ref f);
        }
    }

    private static double Time(long rows, Action run)
    {
        var watch = Stopwatch.StartNew();
        run();
        return rows / watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
