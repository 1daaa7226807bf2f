using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Sinks;

namespace MlNetBatch.Testing.DataPath;

/// <summary>
/// Reads a generated case through every path a value can take (the block fast path, ML.NET getters over
/// <c>GetRowCursorSet</c>, stock transforms with <c>CreateEnumerable</c>, each sink, and a scoring job with its
/// per-partition output files, before and after an input is renamed) and checks that every
/// value equals what was written, by an independent reader. Throws <see cref="DataPathMismatchException"/> naming
/// the case, the path and the first difference.
/// </summary>
public static class DataPathCheck
{
    /// <summary>Runs the case in <paramref name="directory"/> (created and filled here).</summary>
    public static void Run(DataPathCase dataCase, string directory)
    {
        Directory.CreateDirectory(directory);
        var input = Path.Combine(directory, "in");
        dataCase.Write(input);
        var expected = dataCase.AllRows.ToList();
        CheckInputAgainstReference(dataCase, input, expected);

        var ml = new MLContext(seed: dataCase.Seed);
        var view = ml.Data.LoadFrom(Path.Combine(input, "**", "*" + dataCase.Extension), dataCase.Format, new DataSourceOptions
        {
            Columns = GeneratedRow.Schema,
            PartitionBytes = dataCase.PartitionBytes,
            ChunkRows = dataCase.ChunkRows,
        });

        Compare(dataCase, "blocks, one cursor", expected, ReadBlocks(view), ordered: true);
        Compare(dataCase, "getters over GetRowCursorSet(3), values held", expected, ReadCursorSet(view, 3), ordered: false);
        Compare(dataCase, "stock transforms and CreateEnumerable", expected, ReadThroughStockTransforms(ml, view), ordered: true);
        foreach (var sink in new[] { ".csv", ".jsonl", ".parquet" })
        {
            var output = Path.Combine(directory, "out", "scores" + sink);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var columns = new[] { "id", "f", "d", "n", "s" };
            var written = sink switch
            {
                ".csv" => ml.Data.SaveAsCsv(view, output, columns),
                ".jsonl" => ml.Data.SaveAsJsonLines(view, output, columns),
                _ => ml.Data.SaveAsParquet(view, output, columns),
            };
            var readBack = sink switch
            {
                ".csv" => ReferenceReaders.RowsFromCsv(ReferenceReaders.ReadWithPython([output])[0]),
                ".jsonl" => ReferenceReaders.RowsFromJson(ReferenceReaders.ReadWithPython([output])[0]),
                _ => ReferenceReaders.ReadParquet(output),
            };
            Compare(dataCase, $"sink {sink} read back independently", expected, readBack, ordered: true);
            if (written != expected.Count)
            {
                throw new DataPathMismatchException(dataCase, $"sink {sink}", $"it reports {written} rows written for {expected.Count}.");
            }
        }

        DataPathJobCheck.Run(dataCase, directory, input);
    }

    private static void CheckInputAgainstReference(DataPathCase dataCase, string input, List<GeneratedRow> expected)
    {
        var paths = dataCase.Files.Select(f => Path.Combine(input, f.Path)).ToList();
        var reference = dataCase.Format.Name switch
        {
            "Csv" => ReferenceReaders.ReadWithPython(paths).SelectMany(ReferenceReaders.RowsFromCsv).ToList(),
            "JsonLines" => ReferenceReaders.ReadWithPython(paths).SelectMany(ReferenceReaders.RowsFromJson).ToList(),
            _ => paths.SelectMany(ReferenceReaders.ReadParquet).ToList(),
        };

        // The files say what the generator meant: otherwise the comparisons below would prove nothing.
        Compare(dataCase, "input read by the reference reader", expected, reference, ordered: true);
    }

    private static List<GeneratedRow> ReadBlocks(IDataView view)
    {
        var rows = new List<GeneratedRow>();
        using var cursor = (BlockRowCursor)view.GetRowCursor(view.Schema);
        int Index(string name) => view.Schema[name].Index;
        while (cursor.TryTakeBlock(out var batch, out var start, out var count))
        {
            var id = batch.Column<ScalarColumnBuffer<long>>(Index("id")).Values;
            var f = batch.Column<ScalarColumnBuffer<float>>(Index("f")).Values;
            var d = batch.Column<ScalarColumnBuffer<double>>(Index("d")).Values;
            var n = batch.Column<ScalarColumnBuffer<int>>(Index("n")).Values;
            var s = batch.Column<TextColumnBuffer>(Index("s")).Values;
            for (var i = start; i < start + count; i++)
            {
                rows.Add(new GeneratedRow(id[i], f[i], d[i], n[i], s[i].ToString()));
            }
        }

        return rows;
    }

    private static List<GeneratedRow> ReadCursorSet(IDataView view, int cursors)
    {
        // Text is kept as handed out, not copied, until every cursor has finished: ML.NET's consolidators do so.
        var held = new ConcurrentBag<(long Id, float F, double D, int N, ReadOnlyMemory<char> S)>();
        Parallel.ForEach(view.GetRowCursorSet(view.Schema, cursors), cursor =>
        {
            using (cursor)
            {
                var id = cursor.GetGetter<long>(view.Schema["id"]);
                var f = cursor.GetGetter<float>(view.Schema["f"]);
                var d = cursor.GetGetter<double>(view.Schema["d"]);
                var n = cursor.GetGetter<int>(view.Schema["n"]);
                var s = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["s"]);
                var row = (Id: 0L, F: 0f, D: 0d, N: 0, S: ReadOnlyMemory<char>.Empty);
                while (cursor.MoveNext())
                {
                    id(ref row.Id);
                    f(ref row.F);
                    d(ref row.D);
                    n(ref row.N);
                    s(ref row.S);
                    held.Add(row);
                }
            }
        });

        return held.Select(r => new GeneratedRow(r.Id, r.F, r.D, r.N, r.S.ToString())).ToList();
    }

    private static List<GeneratedRow> ReadThroughStockTransforms(MLContext ml, IDataView view)
    {
        var pipeline = ml.Transforms.CopyColumns("s_copy", "s")
            .Append(ml.Transforms.Conversion.ConvertType("n_double", "n", DataKind.Double))
            .Append(ml.Transforms.Concatenate("fd", "f", "f"));
        var transformed = pipeline.Fit(view).Transform(view);
        return ml.Data.CreateEnumerable<StockRow>(transformed, reuseRowObject: false)
            .Select(r => r.n_double != r.n || r.s_copy != r.s || r.fd[0] != r.f
                ? new GeneratedRow(r.id, float.NaN, double.NaN, 0, $"transformed columns disagree: {r.s_copy} / {r.n_double}")
                : new GeneratedRow(r.id, r.f, r.d, r.n, r.s))
            .ToList();
    }

    /// <summary>Throws unless <paramref name="actual"/> holds exactly the expected rows (in order when <paramref name="ordered"/>).</summary>
    internal static void Compare(DataPathCase dataCase, string path, List<GeneratedRow> expected, List<GeneratedRow> actual, bool ordered)
    {
        if (!ordered)
        {
            var byId = actual.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.ToList());
            var duplicated = byId.Values.FirstOrDefault(g => g.Count > 1);
            if (duplicated is not null)
            {
                throw new DataPathMismatchException(dataCase, path, $"id {duplicated[0].Id} appears {duplicated.Count} times.");
            }

            // Put the rows in input order by id; rows whose ids were never written go last, where the count check finds them.
            var written = expected.Select(e => e.Id).ToHashSet();
            actual = expected.Where(e => byId.ContainsKey(e.Id)).Select(e => byId[e.Id][0])
                .Concat(actual.Where(a => !written.Contains(a.Id))).ToList();
        }

        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (!expected[i].SameAs(actual[i]))
            {
                throw new DataPathMismatchException(dataCase, path, $"row {i} is {actual[i]}, expected {expected[i]}.");
            }
        }

        if (expected.Count != actual.Count)
        {
            throw new DataPathMismatchException(dataCase, path, $"{actual.Count} rows read for {expected.Count} written.");
        }
    }

    private sealed class StockRow
    {
        public long id { get; set; }

        public float f { get; set; }

        public double d { get; set; }

        public int n { get; set; }

        public string s { get; set; } = string.Empty;

        public string s_copy { get; set; } = string.Empty;

        public double n_double { get; set; }

        [VectorType(2)]
        public float[] fd { get; set; } = [];
    }
}

/// <summary>A value read or written through some path differs from what went in.</summary>
public sealed class DataPathMismatchException(DataPathCase dataCase, string path, string difference)
    : Exception($"{dataCase}; path '{path}': {difference}");
