namespace MlNetBatch.Data.BadRecords;

/// <summary>A row set aside instead of failing the job: where it was and why it could not be used.</summary>
/// <param name="File">The input file.</param>
/// <param name="Partition">The partition id.</param>
/// <param name="Row">The row's index within its partition.</param>
/// <param name="ByteOffset">The line's byte offset in the file, for text formats.</param>
/// <param name="Column">The column that could not be read, when one is to blame.</param>
/// <param name="Reason">Why the row was set aside.</param>
/// <param name="Value">The raw value or line, cut to a readable length.</param>
public sealed record BadRecord(string File, string Partition, long Row, long? ByteOffset, string? Column, string Reason, string? Value)
{
    /// <summary>Raw values longer than this are cut in the quarantine.</summary>
    public const int MaxValueLength = 256;

    /// <summary>Cuts a raw value to <see cref="MaxValueLength"/> characters.</summary>
    public static string? Clip(string? value) =>
        value is { Length: > MaxValueLength } ? value[..MaxValueLength] + "…" : value;
}
