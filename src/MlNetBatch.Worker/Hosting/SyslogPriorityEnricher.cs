using Serilog.Core;
using Serilog.Events;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Adds <c>SyslogPriority</c>, the <c>&lt;N&gt;</c> prefix by which journald reads a line's priority (sd-daemon(3)):
/// Verbose and Debug <c>&lt;7&gt;</c>, Information <c>&lt;6&gt;</c>, Warning <c>&lt;4&gt;</c>, Error <c>&lt;3&gt;</c>,
/// Fatal <c>&lt;2&gt;</c>.
/// </summary>
internal sealed class SyslogPriorityEnricher : ILogEventEnricher
{
    /// <summary>The property's name, as console output templates use it.</summary>
    public const string PropertyName = "SyslogPriority";

    // One property per level, made once: enriching allocates nothing per event.
    private static readonly LogEventProperty[] Properties = Enum.GetValues<LogEventLevel>()
        .Select(level => new LogEventProperty(PropertyName, new ScalarValue($"<{Priority(level)}>")))
        .ToArray();

    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) =>
        logEvent.AddPropertyIfAbsent(Properties[(int)logEvent.Level]);

    /// <summary>The syslog priority of a Serilog level (debug 7, info 6, warning 4, err 3, crit 2).</summary>
    public static int Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => 7,
        LogEventLevel.Information => 6,
        LogEventLevel.Warning => 4,
        LogEventLevel.Error => 3,
        _ => 2,
    };
}
