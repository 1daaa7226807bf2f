using Microsoft.Extensions.Configuration;

namespace MlNetBatch.Tests.Support;

/// <summary>Job definitions as in-memory configuration, the way appsettings.json would hold them.</summary>
public static class JobConfiguration
{
    public static Dictionary<string, string?> TabularJob(string name, string source, string model, string sink, string? schedule = null)
    {
        var prefix = $"MlNetBatch:Jobs:{name}:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "Source:Path"] = source,
            // A partition per row group, so that small test files still make several partitions.
            [prefix + "Source:RowGroupsPerPartition"] = "1",
            [prefix + "Preprocess:0:Transform"] = "Concatenate",
            [prefix + "Preprocess:0:OutputColumn"] = "features",
            [prefix + "Model:ModelPath"] = model,
            [prefix + "Model:BatchSize"] = "100",
            [prefix + "Model:Device"] = "Cpu",
            [prefix + "Sink:Path"] = sink,
            [prefix + "Sink:Columns:0"] = "id",
            [prefix + "Sink:Columns:1"] = "probabilities",
            [prefix + "Sink:Columns:2"] = "label",
            [prefix + "Schedule"] = schedule,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        for (var i = 0; i < 16; i++)
        {
            settings[prefix + $"Preprocess:0:InputColumns:{i}"] = $"f{i:D2}";
        }

        return settings;
    }

    public static Action<IConfigurationBuilder> With(Dictionary<string, string?> settings) => builder => builder.AddInMemoryCollection(settings);
}
