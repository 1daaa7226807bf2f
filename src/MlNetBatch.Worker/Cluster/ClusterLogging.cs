using Microsoft.Extensions.Configuration;

namespace MlNetBatch.Worker.Cluster;

/// <summary>
/// In a cluster every log line names the node that wrote it: the <c>Node</c> property on every event, and in the
/// text of console sinks that name no output template of their own.
/// </summary>
internal static class ClusterLogging
{
    /// <summary>The property that holds the node id.</summary>
    public const string NodeProperty = "Node";

    /// <summary>Serilog.Sinks.Console's default template with the node after the level.</summary>
    public const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] [{" + NodeProperty + "}] {Message:lj}{NewLine}{Exception}";

    /// <summary>This node's id when clustering is on; null otherwise (a value that does not convert is left to the section's check).</summary>
    public static string? NodeId(IConfiguration configuration) =>
        Hosting.StrictBinding.Read<ClusterOptions>(configuration.GetSection(ClusterOptions.SectionName)) is { Enabled: true } options ? options.ResolvedNodeId : null;

    /// <summary>Gives every console sink under <c>Serilog:WriteTo</c> without a template of its own the template with the node.</summary>
    public static void AddNodeToConsoleTemplates(IConfigurationManager configuration)
    {
        var templates = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var sink in configuration.GetSection("Serilog:WriteTo").GetChildren())
        {
            if (string.Equals(sink["Name"], "Console", StringComparison.OrdinalIgnoreCase) && sink["Args:outputTemplate"] is null)
            {
                templates[$"{sink.Path}:Args:outputTemplate"] = ConsoleTemplate;
            }
        }

        configuration.AddInMemoryCollection(templates);
    }
}
