using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Systemd;
using Serilog;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Under systemd the console is the journal: every Serilog console sink's line starts with its syslog priority, so
/// that <c>journalctl -p warning</c> and the journal's colours work. Elsewhere nothing changes.
/// </summary>
internal static class JournalConsole
{
    /// <summary>Serilog.Sinks.Console's own default template, used when a console sink names none.</summary>
    public const string DefaultTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    private const string Prefix = $"{{{SyslogPriorityEnricher.PropertyName}}}";

    /// <summary>Whether systemd started this process (its parent is systemd, or it is PID 1 with a notify socket).</summary>
    public static bool IsActive { get; } = SystemdHelpers.IsSystemdService();

    /// <summary>Prefixes the output template of every console sink under <c>Serilog:WriteTo</c> with the priority.</summary>
    public static void AddPriorityPrefixes(IConfigurationManager configuration)
    {
        var templates = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var sink in configuration.GetSection("Serilog:WriteTo").GetChildren())
        {
            var template = sink["Args:outputTemplate"] ?? DefaultTemplate;
            if (string.Equals(sink["Name"], "Console", StringComparison.OrdinalIgnoreCase) && !template.StartsWith(Prefix, StringComparison.Ordinal))
            {
                templates[$"{sink.Path}:Args:outputTemplate"] = Prefix + template;
            }
        }

        configuration.AddInMemoryCollection(templates);
    }

    /// <summary>Adds the <see cref="SyslogPriorityEnricher"/> the prefixed templates render.</summary>
    public static LoggerConfiguration WithSyslogPriority(this LoggerConfiguration logger) =>
        logger.Enrich.With<SyslogPriorityEnricher>();
}
