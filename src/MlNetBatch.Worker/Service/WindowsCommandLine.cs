using System.Text;

namespace MlNetBatch.Worker.Service;

/// <summary>
/// One Windows command: the program and its arguments, shown the way cmd.exe passes them, so that the program's C
/// runtime splits the line back into exactly these arguments.
/// </summary>
internal sealed record WindowsCommandLine(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The line to type at a cmd.exe prompt.</summary>
    public override string ToString() => string.Join(' ', new[] { Program }.Concat(Arguments).Select(Quote));

    /// <summary>
    /// Quotes an argument by the C runtime's rules (as .NET's <c>ProcessStartInfo.ArgumentList</c> does): an argument
    /// with a space, tab or quote goes in quotes, a quote inside becomes <c>\"</c>, and backslashes are doubled only
    /// where they precede a quote.
    /// </summary>
    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '"']) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes).Append(c);
            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
