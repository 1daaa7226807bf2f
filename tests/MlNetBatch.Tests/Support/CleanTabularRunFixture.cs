using Microsoft.ML;
using MlNetBatch.Tests.Jobs.Commit;

namespace MlNetBatch.Tests.Support;

/// <summary>
/// The crash tests' reference: the real worker run once, uninterrupted, over their input (3 Parquet files of 400
/// rows, the same seeded data every test writes), and the score of each id. Each crash test compared against a
/// clean run of its own before; the data and the worker are the same, so one run serves the class.
/// </summary>
public sealed class CleanTabularRunFixture : IAsyncLifetime
{
    public const int Files = 3;

    public const int Rows = 400;

    private readonly TempDirectory _dir = new();

    /// <summary>The clean run's score of each id.</summary>
    public Dictionary<long, float> Scores { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ExactlyOnceTests.WriteInputAsync(_dir, Files, Rows);
        var clean = await TabularJobs.WriteConfigAsync(_dir, "clean", _dir.Combine("in", "*.parquet"), _dir.Combine("clean"));
        var (exit, output) = await WorkerProcess.RunAsync(_dir.Path, null, "run", "clean", "--config", clean);
        if (exit != 0)
        {
            throw new InvalidOperationException($"The clean run failed with exit code {exit}: {output}");
        }

        Scores = ExactlyOnceTests.ScoresById(new MLContext(), _dir.Combine("clean"));
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
