using MlNetBatch.Jobs.Observation;

namespace MlNetBatch.HaltingWorker;

/// <summary>
/// Halts the thread that reaches <paramref name="point"/> for the <paramref name="occurrence"/>-th time, after writing
/// <paramref name="marker"/>, so that a test knows the process is there and can kill it; or, when the environment
/// names a <c>HALT_RELEASE_FILE</c>, until that file appears (a paused node that wakes up). With
/// <c>HALT_DELAY_MS</c> every other arrival at the point waits that long: a slow model, so that a run lasts. With
/// <c>HALT_GATE_FILE</c> every other arrival waits while that file exists: a test holds the nodes where they are
/// for as long as it needs, whatever the machine's speed.
/// </summary>
internal sealed class HaltingObserver(JobPoint point, int occurrence, string marker) : IJobObserver
{
    private int _reached;

    public void Reached(JobPoint reached)
    {
        if (reached != point)
        {
            return;
        }

        if (Interlocked.Increment(ref _reached) != occurrence)
        {
            if (int.TryParse(Environment.GetEnvironmentVariable("HALT_DELAY_MS"), out var delay))
            {
                Thread.Sleep(delay);
            }

            while (Environment.GetEnvironmentVariable("HALT_GATE_FILE") is { Length: > 0 } gate && File.Exists(gate))
            {
                Thread.Sleep(20);
            }

            return;
        }

        File.WriteAllText(marker, point.ToString());
        if (Environment.GetEnvironmentVariable("HALT_RELEASE_FILE") is not { Length: > 0 } release)
        {
            Thread.Sleep(Timeout.Infinite);
            return;
        }

        while (!File.Exists(release))
        {
            Thread.Sleep(20);
        }
    }
}
