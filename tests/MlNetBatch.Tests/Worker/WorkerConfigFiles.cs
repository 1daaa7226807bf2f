using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Worker;

/// <summary>
/// Worker configuration files that log as the shipped appsettings.json does (Serilog's console at Information), so
/// that a stack trace written through the log would show too, and the check on what a failing worker prints.
/// </summary>
internal static partial class WorkerConfigFiles
{
    /// <summary>A job over the tabular sample model.</summary>
    public static JsonObject Job(string source, string sink) => new()
    {
        ["Source"] = new JsonObject { ["Path"] = source },
        ["Preprocess"] = new JsonArray(new JsonObject
        {
            ["Transform"] = "Concatenate",
            ["OutputColumn"] = "features",
            ["InputColumns"] = new JsonArray(TabularData.FeatureColumns.Select(c => (JsonNode)c!).ToArray()),
        }),
        ["Model"] = new JsonObject { ["ModelPath"] = RepositoryPaths.SampleModel, ["Device"] = "Cpu" },
        ["Sink"] = new JsonObject { ["Path"] = sink, ["Columns"] = new JsonArray("id", "probabilities", "label") },
    };

    /// <summary>Writes <c>{name}.json</c> holding the given jobs (and storage section, if any); returns its path.</summary>
    public static async Task<string> WriteAsync(TempDirectory dir, string name, IReadOnlyDictionary<string, JsonObject> jobs, JsonObject? storage = null)
    {
        var section = new JsonObject { ["Jobs"] = new JsonObject(jobs.Select(j => KeyValuePair.Create(j.Key, (JsonNode?)j.Value))) };
        if (storage is not null)
        {
            section["Storage"] = storage;
        }

        var root = new JsonObject
        {
            ["Serilog"] = JsonNode.Parse("""
                { "MinimumLevel": { "Default": "Information", "Override": { "Microsoft": "Warning", "Quartz": "Warning" } },
                  "WriteTo": [ { "Name": "Console" } ] }
                """),
            ["MlNetBatch"] = section,
        };
        var path = dir.Combine($"{name}.json");
        await File.WriteAllTextAsync(path, root.ToJsonString());
        return path;
    }

    /// <summary>
    /// Asserts exit code 1, no stack frame, and exactly one line besides Serilog's information and warning lines,
    /// which mentions every one of <paramref name="mentions"/>; returns that line.
    /// </summary>
    public static string AssertOneErrorLine(int exit, string output, params string[] mentions)
    {
        Assert.True(exit == 1, $"exit code {exit}:\n{output}");
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !LogLine().IsMatch(l))
            .ToList();
        var line = Assert.Single(lines);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, line);
        }

        return line;
    }

    [GeneratedRegex(@"^\[\d{2}:\d{2}:\d{2} (INF|WRN)\]")]
    private static partial Regex LogLine();
}
