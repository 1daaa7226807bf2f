namespace MlNetBatch.Jobs.Engine;

/// <summary>Finds, in a failure, the exception that says what the user must fix.</summary>
internal static class FailureCause
{
    /// <summary>
    /// The outermost MlNetBatch exception in the chain, or <paramref name="exception"/> itself when there is none. ML.NET wraps failures of
    /// background cursors in its own ("Splitter/consolidator worker encountered exception…"); the MlNetBatch
    /// exception inside names the file and row.
    /// </summary>
    public static Exception ForUser(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is MlNetBatchException)
            {
                return e;
            }
        }

        return exception;
    }
}
