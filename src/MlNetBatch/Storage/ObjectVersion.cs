namespace MlNetBatch.Storage;

/// <summary>The one rule that says whether an object is still the version a job planned on.</summary>
public static class ObjectVersion
{
    /// <summary>
    /// Same size and same version tag. Quotes around the tag are ignored: listings return ETags bare and response
    /// headers quoted, and that difference is no change.
    /// </summary>
    public static bool IsSame(ObjectInfo expected, ObjectInfo actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return expected.Size == actual.Size && IsSameTag(expected.ETag, actual.ETag);
    }

    /// <summary>Whether two version tags name the same version, quotes aside.</summary>
    public static bool IsSameTag(string expected, string actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return expected.AsSpan().Trim('"').SequenceEqual(actual.AsSpan().Trim('"'));
    }

    /// <summary>Throws <see cref="ObjectChangedException"/> when <paramref name="expected"/> is given and <paramref name="actual"/> is another version.</summary>
    public static void ThrowIfChanged(ObjectInfo? expected, ObjectInfo actual)
    {
        if (expected is not null && !IsSame(expected, actual))
        {
            throw new ObjectChangedException(actual.Location, expected, actual);
        }
    }

    /// <summary>
    /// What to throw when a read of <paramref name="expected"/> found another version: <see cref="ObjectChangedException"/>
    /// with the version there now, or a plain error when the object is gone.
    /// </summary>
    public static async Task<StorageException> DescribeChangeAsync(
        Func<ObjectLocation, CancellationToken, Task<ObjectInfo>> stat, ObjectInfo expected, CancellationToken cancellationToken)
    {
        try
        {
            var actual = await stat(expected.Location, cancellationToken).ConfigureAwait(false);
            return new ObjectChangedException(expected.Location, expected, actual);
        }
        catch (ObjectNotFoundException e)
        {
            return new StorageException(expected.Location, "the object was deleted after the job was planned; re-run the job to plan it again.", e);
        }
    }
}
