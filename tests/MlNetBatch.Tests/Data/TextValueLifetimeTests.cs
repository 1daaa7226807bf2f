using System.Collections.Concurrent;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>
/// ML.NET treats text as immutable: consolidating cursors and caches keep the <see cref="ReadOnlyMemory{T}"/> a
/// getter handed out long after the cursor moved on, so a source must never rewrite the characters behind it.
/// </summary>
public class TextValueLifetimeTests
{
    private static readonly string[] Payments = ["Cash", "Credit card", "Dispute", "No charge", "Unknown", "Voided trip", "é日本"];

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public void Text_held_from_parallel_cursors_stays_what_was_read(string format)
    {
        using var dir = new TempDirectory();
        var (path, expected) = Write(dir, format, rows: 20_000);
        var view = Load(path, format);
        var columns = new[] { view.Schema["id"], view.Schema["payment_type"] };

        // Every value is kept as handed out, without copying, while all cursors run to the end.
        var held = new ConcurrentDictionary<long, ReadOnlyMemory<char>>();
        var cursors = view.GetRowCursorSet(columns, 4);
        Parallel.ForEach(cursors, cursor =>
        {
            using (cursor)
            {
                var id = cursor.GetGetter<long>(view.Schema["id"]);
                var text = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["payment_type"]);
                long key = 0;
                ReadOnlyMemory<char> value = default;
                while (cursor.MoveNext())
                {
                    id(ref key);
                    text(ref value);
                    held[key] = value;
                }
            }
        });

        Assert.True(cursors.Length > 1);
        Assert.Equal(expected.Count, held.Count);
        var wrong = expected.Count(e => held[e.Key].ToString() != e.Value);
        Assert.Equal(0, wrong);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public void Text_through_stock_transforms_and_create_enumerable_equals_the_input(string format)
    {
        using var dir = new TempDirectory();
        var (path, expected) = Write(dir, format, rows: 20_000);
        var ml = new MLContext(seed: 1);
        var view = Load(path, format);
        var pipeline = ml.Transforms.Conversion.ConvertType("idf", "id", DataKind.Single)
            .Append(ml.Transforms.CopyColumns("payment_copy", "payment_type"))
            .Append(ml.Transforms.Concatenate("features", "idf", "idf"));
        var transformed = pipeline.Fit(view).Transform(view);

        var rows = ml.Data.CreateEnumerable<Row>(ml.Data.Cache(transformed), reuseRowObject: false).ToList();

        Assert.Equal(expected.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(expected[r.id], r.payment_copy));
        Assert.All(rows, r => Assert.Equal(expected[r.id], r.payment_type));
    }

    private static IDataView Load(string path, string format)
    {
        var options = new DataSourceOptions { ChunkRows = 97, PartitionBytes = 16 * 1024, Columns = new() { ["id"] = "long", ["payment_type"] = "string" } };
        var ml = new MLContext();
        return format == "csv" ? ml.Data.LoadFromCsv(path, options) : ml.Data.LoadFromJsonLines(path, options);
    }

    private static (string Path, Dictionary<long, string> Expected) Write(TempDirectory dir, string format, int rows)
    {
        var random = new Random(7);
        var expected = new Dictionary<long, string>();
        var text = new StringBuilder(format == "csv" ? "id,payment_type\n" : string.Empty);
        for (var id = 0; id < rows; id++)
        {
            // Lengths vary, so a rewritten arena shows up as a mix of two values ("CashCas").
            var value = Payments[random.Next(Payments.Length)] + (random.Next(3) == 0 ? $" #{id}" : string.Empty);
            expected[id] = value;
            text.Append(format == "csv" ? $"{id},{value}\n" : $"{{\"id\":{id},\"payment_type\":{System.Text.Json.JsonSerializer.Serialize(value)}}}\n");
        }

        var path = dir.Combine($"trips.{format}");
        File.WriteAllText(path, text.ToString());
        return (path, expected);
    }

    private sealed class Row
    {
        public long id { get; set; }

        public string payment_type { get; set; } = string.Empty;

        public string payment_copy { get; set; } = string.Empty;
    }
}
