namespace MlNetBatch.Jobs;

/// <summary>
/// Named points in the commit protocol where the crash-consistency tests stop the worker with SIGKILL. Inert unless
/// the environment variable <c>MLNETBATCH_TEST_HALT_AT</c> names a point: the process then writes the file named by
/// <c>MLNETBATCH_TEST_HALT_MARKER</c> when it reaches that point for the <c>MLNETBATCH_TEST_HALT_AFTER</c>-th time
/// (default 1) and waits there to be killed.
/// </summary>
public static class CrashPoints
{
    /// <summary>A partition's output is written and flushed under its temporary name, not yet renamed.</summary>
    public const string BeforeOutputRename = "before-output-rename";

    /// <summary>A partition's output is visible, but the manifest does not record it yet.</summary>
    public const string AfterOutputCommit = "after-output-commit";

    /// <summary>A batch of rows is about to be scored.</summary>
    public const string DuringScoring = "during-scoring";

    /// <summary>A chunk of input has been read.</summary>
    public const string DuringRead = "during-read";

    private static readonly string? HaltAt = Environment.GetEnvironmentVariable("MLNETBATCH_TEST_HALT_AT");
    private static readonly string? Marker = Environment.GetEnvironmentVariable("MLNETBATCH_TEST_HALT_MARKER");
    private static readonly int HaltAfter = int.TryParse(Environment.GetEnvironmentVariable("MLNETBATCH_TEST_HALT_AFTER"), out var n) ? n : 1;
    private static int _reached;

    /// <summary>Marks that the process reached <paramref name="point"/>; halts there when a test asked for it.</summary>
    public static void Reach(string point)
    {
        if (HaltAt is null || HaltAt != point || Interlocked.Increment(ref _reached) != HaltAfter)
        {
            return;
        }

        if (Marker is not null)
        {
            File.WriteAllText(Marker, point);
        }

        Thread.Sleep(Timeout.Infinite);
    }
}
