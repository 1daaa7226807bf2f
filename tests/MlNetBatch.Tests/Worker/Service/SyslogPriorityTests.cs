using Microsoft.Extensions.Configuration;
using MlNetBatch.Worker.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace MlNetBatch.Tests.Worker.Service;

/// <summary>Journal priority prefixes: each Serilog level renders as the syslog priority journald reads.</summary>
public class SyslogPriorityTests
{
    [Theory]
    [InlineData(LogEventLevel.Verbose, "<7>")]
    [InlineData(LogEventLevel.Debug, "<7>")]
    [InlineData(LogEventLevel.Information, "<6>")]
    [InlineData(LogEventLevel.Warning, "<4>")]
    [InlineData(LogEventLevel.Error, "<3>")]
    [InlineData(LogEventLevel.Fatal, "<2>")]
    public void Each_level_renders_its_syslog_priority_at_the_start_of_the_line(LogEventLevel level, string prefix)
    {
        var sink = new RenderingSink("{SyslogPriority}" + JournalConsole.DefaultTemplate);
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WithSyslogPriority().WriteTo.Sink(sink).CreateLogger())
        {
            logger.Write(level, "Job {Job} did something", "nightly");
        }

        Assert.Matches($@"^{prefix}\[\d\d:\d\d:\d\d [A-Z]{{3}}\] Job nightly did something$", sink.Lines.Single());
    }

    [Fact]
    public void Console_sinks_get_the_prefix_once_and_other_sinks_keep_their_template()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:WriteTo:0:Name"] = "Console",
            ["Serilog:WriteTo:1:Name"] = "Console",
            ["Serilog:WriteTo:1:Args:outputTemplate"] = "{Level} {Message}{NewLine}",
            ["Serilog:WriteTo:2:Name"] = "File",
            ["Serilog:WriteTo:2:Args:path"] = "logs/x.log",
            ["Serilog:WriteTo:3:Name"] = "Console",
            ["Serilog:WriteTo:3:Args:outputTemplate"] = "{SyslogPriority}{Message}{NewLine}",
        });

        JournalConsole.AddPriorityPrefixes(configuration);

        Assert.Equal("{SyslogPriority}[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", configuration["Serilog:WriteTo:0:Args:outputTemplate"]);
        Assert.Equal("{SyslogPriority}{Level} {Message}{NewLine}", configuration["Serilog:WriteTo:1:Args:outputTemplate"]);
        Assert.Null(configuration["Serilog:WriteTo:2:Args:outputTemplate"]);
        Assert.Equal("{SyslogPriority}{Message}{NewLine}", configuration["Serilog:WriteTo:3:Args:outputTemplate"]);
    }

    /// <summary>Renders events with an output template, as the console sink does.</summary>
    private sealed class RenderingSink(string template) : ILogEventSink
    {
        private readonly MessageTemplateTextFormatter _formatter = new(template);

        public List<string> Lines { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            var text = new StringWriter();
            _formatter.Format(logEvent, text);
            Lines.AddRange(text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
