using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MlNetBatch.Jobs;

/// <summary>
/// One of <see cref="Count"/> disjoint shares of a job's partitions, for fan-out by an orchestrator's indexes (a
/// Kubernetes Indexed Job, a Slurm array) without a database: shard <see cref="Index"/> takes the partitions whose
/// stable hash of their id is <see cref="Index"/> modulo <see cref="Count"/>. The shards of one job write to the
/// same output directory, each under a lease and manifest of its own.
/// </summary>
public sealed record JobShard
{
    private JobShard(int index, int count)
    {
        Index = index;
        Count = count;
    }

    /// <summary>This shard's number, from 0.</summary>
    public int Index { get; }

    /// <summary>How many shards share the job.</summary>
    public int Count { get; }

    /// <summary>The name part that tells this shard's lease and manifest from the others': <c>shard-1-of-3</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}");

    /// <summary>Shard <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static JobShard Of(int index, int count)
    {
        if (count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"A shard is i/N with N at least 1 and 0 <= i < N; got {index}/{count}.");
        }

        return new JobShard(index, count);
    }

    /// <summary>Reads <c>i/N</c>, as <c>run --shard</c> takes it; false with a sentence saying why when it is not one.</summary>
    public static bool TryParse(string text, out JobShard? shard, out string? problem)
    {
        shard = null;
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            problem = $"'{text}' is not a shard: write i/N, such as 0/3 for the first of three.";
            return false;
        }

        if (count < 1 || index >= count)
        {
            problem = $"'{text}' is not a shard: N must be at least 1 and i between 0 and N-1.";
            return false;
        }

        shard = new JobShard(index, count);
        problem = null;
        return true;
    }

    /// <summary>Whether the partition <paramref name="partitionId"/> is this shard's: the same answer on every machine and run.</summary>
    public bool Owns(string partitionId)
    {
        ArgumentNullException.ThrowIfNull(partitionId);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(partitionId), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)Count == (ulong)Index;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
