namespace MlNetBatch.Storage;

/// <summary>
/// The names of a local write's temporary file: <c>&lt;final path&gt;.&lt;32 hex digits&gt;.inprogress</c>. Unique per
/// write, so that two writers of one object never share a file, and reversible, so that clean-up can tell whose
/// object an abandoned temporary file was for.
/// </summary>
internal static class TemporaryFiles
{
    private const int GuidDigits = 32;

    /// <summary>A fresh temporary path for a write of <paramref name="finalPath"/>.</summary>
    public static string Name(string finalPath) => $"{finalPath}.{Guid.NewGuid():N}{LocalObjectStore.InProgressSuffix}";

    /// <summary>The final path a temporary file was written for, or null when the name does not have that shape.</summary>
    public static string? FinalPath(string temporaryPath)
    {
        var suffix = LocalObjectStore.InProgressSuffix;
        var guidStart = temporaryPath.Length - suffix.Length - GuidDigits;
        if (guidStart < 2 || !temporaryPath.EndsWith(suffix, StringComparison.Ordinal) || temporaryPath[guidStart - 1] != '.')
        {
            return null;
        }

        foreach (var c in temporaryPath.AsSpan(guidStart, GuidDigits))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return null;
            }
        }

        return temporaryPath[..(guidStart - 1)];
    }
}
