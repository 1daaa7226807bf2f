using System.Text.Json;
using MlNetBatch.Testing.Python;

namespace MlNetBatch.Tests.Data;

/// <summary>Python's own readers, run as an independent check on ours (python3 is on every test machine and in CI).</summary>
internal static class PythonOracle
{
    private const string CsvScript = """
        import csv, json, sys
        with open(sys.argv[1], newline='', encoding='utf-8') as f:
            json.dump(list(csv.reader(f)), sys.stdout)
        """;

    // The value a float32 column should hold: Python parses to double, struct packs to float32 and refuses overflow.
    private const string Float32Script = """
        import json, struct, sys
        out = []
        for s in json.load(open(sys.argv[1], encoding='utf-8')):
            if s == '':
                out.append('missing')
                continue
            try:
                out.append(repr(struct.unpack('<f', struct.pack('<f', float(s)))[0]))
            except OverflowError:
                out.append('overflow')
        json.dump(out, sys.stdout)
        """;

    /// <summary>
    /// The records of a CSV file as Python's csv module reads it (default dialect), blank lines left out: Python
    /// returns them as empty records, MlNetBatch skips them.
    /// </summary>
    public static List<string[]> CsvRecords(string path) =>
        JsonSerializer.Deserialize<List<string[]>>(Run(CsvScript, path))!.Where(r => r.Length > 0).ToList();

    /// <summary>For each numeric text: "missing" (empty), "overflow" (beyond float32), or the float32 value's repr.</summary>
    public static List<string> Float32(IReadOnlyList<string> values, string scratchPath)
    {
        File.WriteAllText(scratchPath, JsonSerializer.Serialize(values));
        return JsonSerializer.Deserialize<List<string>>(Run(Float32Script, scratchPath))!;
    }

    private static string Run(string script, string argument) => PythonScripts.Run(script, [argument]);
}
