using System.Text;
using System.Text.RegularExpressions;

namespace MlNetBatch.Storage;

/// <summary>
/// A path pattern with <c>*</c> (within one segment), <c>**</c> (any number of segments) and <c>?</c> (one character).
/// </summary>
public sealed class GlobPattern
{
    private static readonly char[] WildcardCharacters = ['*', '?', '['];
    private readonly Regex _regex;

    private GlobPattern(string pattern, string literalPrefix)
    {
        Pattern = pattern;
        LiteralPrefix = literalPrefix;
        // Interpreted: a pattern matches a listing once per job, and compiling it would emit new code every time.
        _regex = new Regex(ToRegex(pattern), RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>The part before the first wildcard, cut back to a segment boundary: the prefix to list.</summary>
    public string LiteralPrefix { get; }

    /// <summary>True when the text holds a wildcard.</summary>
    public static bool HasWildcards(string text) => text.IndexOfAny(WildcardCharacters) >= 0;

    /// <summary>Compiles a pattern.</summary>
    public static GlobPattern Parse(string pattern)
    {
        var firstWildcard = pattern.IndexOfAny(WildcardCharacters);
        var prefix = firstWildcard < 0 ? pattern : pattern[..(pattern.LastIndexOf('/', firstWildcard) + 1)];
        return new GlobPattern(pattern, prefix);
    }

    /// <summary>Whether a whole key or path matches.</summary>
    public bool IsMatch(string path) => _regex.IsMatch(path);

    private static string ToRegex(string pattern)
    {
        var builder = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" also matches zero directories, so "a/**/b" matches "a/b".
                var slashFollows = i + 2 < pattern.Length && pattern[i + 2] == '/';
                builder.Append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 2 : 1;
            }
            else if (c == '*')
            {
                builder.Append("[^/]*");
            }
            else if (c == '?')
            {
                builder.Append("[^/]");
            }
            else
            {
                builder.Append(Regex.Escape(c.ToString()));
            }
        }

        return builder.Append('$').ToString();
    }
}
