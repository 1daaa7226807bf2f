using MlNetBatch.Data.BadRecords;

namespace MlNetBatch.Jobs;

/// <summary>A job saw more bad rows than it tolerates.</summary>
public sealed class BadRecordLimitExceededException : MlNetBatchException
{
    internal BadRecordLimitExceededException(string job, long bad, ExecutionOptions options, BadRecord? first)
        : base($"Job '{job}': {bad} bad rows exceed what the job tolerates (MaxBadRecords = {options.MaxBadRecords}, MaxBadRecordRatio = {options.MaxBadRecordRatio}). "
            + (first is null
                ? "They are listed, with file, row and reason, in the output's _quarantine folder. "
                : $"First: {first.File}, row {first.Row}{(first.Column is null ? string.Empty : $", column '{first.Column}'")}: {first.Reason} ")
            + "Raise Execution:MaxBadRecords or Execution:MaxBadRecordRatio to set such rows aside in the quarantine instead.")
    {
    }
}
