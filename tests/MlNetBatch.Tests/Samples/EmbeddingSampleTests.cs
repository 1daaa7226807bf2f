using System.Diagnostics;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Samples;

public class EmbeddingSampleTests
{
    [Fact]
    public async Task The_embedding_sample_runs_and_its_saved_model_loads_in_stock_mlnet()
    {
        using var dir = new TempDirectory();
        var sample = Path.Combine(AppContext.BaseDirectory, "EmbeddingSample.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { sample, RepositoryPaths.Samples, dir.Path })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("Scored 10000 rows", output);
        var ml = new MLContext();
        var scores = ml.Data.LoadFromParquet(dir.Combine("scores.parquet"));
        Assert.Equal(Enumerable.Range(0, 10000).Select(i => (long)i), DataViewReader.Column<long>(scores, "id"));
        var model = ml.Model.Load(dir.Combine("model.zip"), out var schema);
        Assert.NotNull(schema.GetColumnOrNull("f00"));
    }
}
