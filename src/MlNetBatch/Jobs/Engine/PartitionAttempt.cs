namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// The cancellation of the partition attempt in progress on this flow. Ambient, because ML.NET's cursors take no
/// token: a cursor that waits on work of its own (a batch model's calls) links to it, so that an attempt past
/// <see cref="ExecutionOptions.PartitionTimeout"/> ends even while a call hangs.
/// </summary>
internal static class PartitionAttempt
{
    private static readonly AsyncLocal<CancellationToken> Ambient = new();

    /// <summary>The attempt's token on this flow; <see cref="CancellationToken.None"/> outside a partition.</summary>
    public static CancellationToken Token
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }
}
