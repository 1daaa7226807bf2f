namespace MlNetBatch.Data;

/// <summary>
/// A sampled value that schema inference set aside: it does not parse as the type inferred for its column, so the
/// row will be a bad record when read. Shown so that a user can check the guess before running a job.
/// </summary>
/// <param name="Column">The column.</param>
/// <param name="Row">The row, from zero, within the sampled file (not counting a header).</param>
/// <param name="ByteOffset">The record's first byte in the file.</param>
/// <param name="Value">The raw value, cut to <see cref="BadRecords.BadRecord.MaxValueLength"/> characters.</param>
public sealed record InferenceOutlier(string Column, long Row, long ByteOffset, string Value);
