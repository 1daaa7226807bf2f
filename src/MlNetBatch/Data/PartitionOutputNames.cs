using System.Security.Cryptography;
using System.Text;

namespace MlNetBatch.Data;

/// <summary>
/// Names the output files of partitions: <c>&lt;readable stem&gt;-&lt;hash&gt;-&lt;chunk&gt;</c>. The readable stem is the
/// input's relative path, folders joined with <c>_</c>, its extension and any character unsafe in an object name
/// replaced; the hash (8 hex digits of SHA-256 over the exact relative path) tells apart inputs whose readable stems
/// are alike (<c>y/a.csv</c> and <c>y_a.csv</c>, <c>my file.csv</c> and <c>my_file.csv</c>). Planning still checks
/// that no two partitions share a name, so a hash collision is an error and never an overwrite.
/// </summary>
public static class PartitionOutputNames
{
    // Room for the hash, the chunk number and an extension within the 255-byte name limit of common file systems,
    // even when every character of the stem takes three bytes in UTF-8.
    private const int MaxReadableChars = 64;

    /// <summary>The stem shared by every partition of the input at <paramref name="relativePath"/>.</summary>
    public static string StemFor(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var readable = Readable(relativePath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(relativePath)), 0, 4);
        return $"{readable}-{hash}";
    }

    /// <summary>The name of chunk <paramref name="index"/> of an input whose stem is <paramref name="stem"/>.</summary>
    public static string ForChunk(string stem, int index) => $"{stem}-{index:D5}";

    /// <summary>
    /// Throws when two partitions would write the same file. Names are compared ignoring case, since Windows and
    /// macOS disks (and some tools downstream) do.
    /// </summary>
    public static void EnsureUnique(IReadOnlyList<Partition> partitions)
    {
        var owners = new Dictionary<string, Partition>(StringComparer.OrdinalIgnoreCase);
        foreach (var partition in partitions)
        {
            if (!owners.TryAdd(partition.OutputName, partition))
            {
                throw new MlNetBatchException(
                    $"partitions {owners[partition.OutputName].Id} and {partition.Id} would both write '{partition.OutputName}'; rename one of the input files.");
            }
        }
    }

    private static string Readable(string relativePath)
    {
        var lastSlash = relativePath.LastIndexOf('/');
        var dot = relativePath.LastIndexOf('.');
        var withoutExtension = dot > lastSlash + 1 ? relativePath[..dot] : relativePath;
        var builder = new StringBuilder(Math.Min(withoutExtension.Length, MaxReadableChars));
        foreach (var rune in withoutExtension.EnumerateRunes())
        {
            if (builder.Length >= MaxReadableChars)
            {
                break;
            }

            // Letters and digits of any script are valid in local, S3, Azure and GCS names; separators, spaces,
            // wildcards, '%', '#' and controls are not safe everywhere (or in URLs), so they become '_'.
            var safe = Rune.IsLetterOrDigit(rune) || rune.Value is '-' or '_' or '.';
            builder.Append(safe ? rune.ToString() : "_");
        }

        // Spark, Hive and MlNetBatch's own listings skip names starting with '_' or '.': outputs must stay visible.
        var readable = builder.ToString().TrimStart('_', '.');
        return readable.Length == 0 ? "part" : readable;
    }
}
