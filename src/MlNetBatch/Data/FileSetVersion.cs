using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MlNetBatch.Storage;

namespace MlNetBatch.Data;

/// <summary>
/// The version of a run of files read as one partition (<see cref="PartitionKind.Files"/>), which is what a commit
/// records and a rerun compares: the first file's location, the files' total size, and a tag hashed over every
/// file's name, size and version tag in listing order. A file deleted, added, renamed or rewritten anywhere in the
/// run changes the tag, so the partition is scored again; a run that did not change keeps it.
/// </summary>
internal static class FileSetVersion
{
    private const string TagPrefix = "files-";

    /// <summary>
    /// The version of <paramref name="files"/>[<paramref name="start"/>..+<paramref name="count"/>], whose names below the
    /// common folder are <paramref name="names"/>. A single file is its own version, as for any whole-file partition.
    /// </summary>
    public static ObjectInfo Of(IReadOnlyList<ObjectInfo> files, IReadOnlyList<string> names, int start, int count)
    {
        var first = files[start];
        if (count == 1)
        {
            return first;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[sizeof(long)];
        long size = 0;
        var modified = first.LastModified;
        for (var i = start; i < start + count; i++)
        {
            var file = files[i];
            AppendText(hash, names[i]);
            BinaryPrimitives.WriteInt64LittleEndian(number, file.Size);
            hash.AppendData(number);
            // Stores quote ETags in some responses and not in others (see ObjectVersion); the quotes are not the version.
            AppendText(hash, file.ETag.Trim('"'));
            size += file.Size;
            modified = file.LastModified > modified ? file.LastModified : modified;
        }

        return first with { Size = size, ETag = TagPrefix + Convert.ToHexStringLower(hash.GetHashAndReset()), LastModified = modified };
    }

    // Length-prefixed, so that no two different lists of names and tags hash the same bytes.
    private static void AppendText(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
