using System.Diagnostics;

namespace MlNetBatch.Worker.Service;

/// <summary>Runs an administration command (systemctl, sc.exe, chown) and reports a failure on one line.</summary>
internal static class SystemCommand
{
    /// <summary>Runs <paramref name="program"/>; returns null on success, else the line that says why it failed.</summary>
    public static string? Run(string program, IReadOnlyList<string> arguments, TextWriter output)
    {
        var shown = string.Join(' ', new[] { program }.Concat(arguments));
        output.WriteLine($"  {shown}");
        var (exitCode, said, failure) = Execute(program, arguments);
        return failure is not null ? $"'{shown}' could not be started: {failure}"
            : exitCode == 0 ? null
            : $"'{shown}' failed with exit code {exitCode}{(said.Length > 0 ? $": {said}" : string.Empty)}";
    }

    /// <summary>Runs <paramref name="program"/> quietly, to ask the system a question: true when it exits with 0.</summary>
    public static bool Succeeds(string program, IReadOnlyList<string> arguments) => Execute(program, arguments) is { Failure: null, ExitCode: 0 };

    /// <summary>Runs the program to its end: its exit code and what it said (standard error, else output), or why it could not start.</summary>
    private static (int ExitCode, string Said, string? Failure) Execute(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            // Both pipes are drained, so a chatty program never blocks on a full one.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var said = (stderr.Trim().Length > 0 ? stderr : stdout.Result).Trim().ReplaceLineEndings(" ");
            return (process.ExitCode, said, null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, string.Empty, e.Message);
        }
    }

    /// <summary><paramref name="word"/> as one word of a POSIX shell command line, for the commands printed to paste.</summary>
    public static string Shell(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '=' or '@' or '+' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
