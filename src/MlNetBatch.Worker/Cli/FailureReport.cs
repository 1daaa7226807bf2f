using System.Reflection;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;

namespace MlNetBatch.Worker.Cli;

/// <summary>
/// Turns a failure into the one line an operator reads, chosen by the exception's type; the whole exception, with its
/// stack, goes to the log at Debug level only.
/// </summary>
internal static class FailureReport
{
    /// <summary>Appended to failures nobody anticipated, so that the operator knows how to get the stack trace.</summary>
    private const string DetailsHint = "(set Serilog:MinimumLevel:Default to Debug for the details)";

    /// <summary>Writes the failure's line, logs the exception at Debug level and returns the exit code for a failure.</summary>
    /// <param name="e">The failure.</param>
    /// <param name="writer">Where the line goes.</param>
    /// <param name="job">The job concerned, when the failure belongs to one.</param>
    /// <param name="definition">That job's definition, to name its paths when the exception does not.</param>
    public static int Report(Exception e, TextWriter writer, string? job = null, JobDefinition? definition = null)
    {
        Serilog.Log.ForContext(typeof(FailureReport)).Debug(e, "Failure of {Job}", job ?? "the worker");
        writer.WriteLine(Describe(e, job, definition));
        return WorkerCommandLine.Failed;
    }

    /// <summary>Writes the line for a configuration file that could not be read (malformed JSON, a duplicate key).</summary>
    public static int ReportUnreadableConfiguration(Exception e, TextWriter writer)
    {
        Serilog.Log.ForContext(typeof(FailureReport)).Debug(e, "The configuration could not be read");
        writer.WriteLine(OneLine($"The configuration could not be read: {WithCause(e)}"));
        return WorkerCommandLine.Failed;
    }

    /// <summary>The line (several only for a list of configuration problems) that says what failed and why.</summary>
    public static string Describe(Exception e, string? job = null, JobDefinition? definition = null)
    {
        e = Unwrap(e);
        var prefix = job is null ? string.Empty : $"Job '{job}': ";
        return e switch
        {
            OptionsValidationException invalid => Configuration(invalid.Failures.ToList()),
            // These already name their job.
            JobFailedException or JobInterruptedException or OutputLeasedException => OneLine(e.Message),
            MlNetBatchException => OneLine(prefix + e.Message),
            // File-system messages name the path they concern; the job's own paths tell which side it was.
            IOException or UnauthorizedAccessException => OneLine($"{prefix}{WithCause(e)}{Locations(definition)}"),
            _ => OneLine($"{prefix}unexpected {e.GetType().Name}: {WithCause(e)}{Locations(definition)} {DetailsHint}"),
        };
    }

    /// <summary>The problems found by the options validators, each with its configuration path.</summary>
    private static string Configuration(IReadOnlyList<string> failures) => failures.Count == 1
        ? OneLine($"The configuration is invalid: {failures[0]}")
        : "The configuration is invalid:" + string.Concat(failures.Select(f => $"{Environment.NewLine}  {OneLine(f)}"));

    private static string Locations(JobDefinition? definition) => definition is null
        ? string.Empty
        : $" (source '{string.Join(", ", definition.Source.AllPaths())}', sink '{definition.Sink.Path}')";

    /// <summary>The message, and the innermost cause when it says something more (the OS error, the JSON position).</summary>
    private static string WithCause(Exception e)
    {
        var cause = e;
        while (cause.InnerException is { } inner)
        {
            cause = inner;
        }

        return cause == e || e.Message.Contains(cause.Message, StringComparison.Ordinal) ? e.Message : $"{e.Message} ({cause.Message.TrimEnd('.')})";
    }

    /// <summary>Task and reflection wrappers say nothing themselves; the single failure inside does.</summary>
    private static Exception Unwrap(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        _ => e,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
