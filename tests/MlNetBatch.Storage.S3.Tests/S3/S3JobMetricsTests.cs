using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage.S3.Tests.Support;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Storage.S3.Tests.S3;

/// <summary>The bytes a job moves, counted per store: an S3 job's against a real s3rver.</summary>
public class S3JobMetricsTests(S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task A_job_on_s3_counts_its_bytes_under_the_s3_scheme_and_its_stages_match_the_objects()
    {
        using var dir = new TempDirectory();
        var resolver = s3.Resolver();
        var prefix = S3rverFixture.NewPrefix();
        await TabularData.WriteParquetAsync(dir.Combine("in", "a.parquet"), 0, 1000, 500, seed: 4);
        var input = S3rverFixture.Location($"{prefix}/in/a.parquet");
        await ObjectBytes.WriteAsync(resolver.Resolve(input), input, await File.ReadAllBytesAsync(dir.Combine("in", "a.parquet")));
        var job = $"s3-metrics-{Guid.NewGuid():N}";
        var heard = new ConcurrentDictionary<(string Instrument, string? Scheme), long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MlNetBatch" && instrument.Name.StartsWith("mlnetbatch.storage.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? ofJob = null, scheme = null;
            foreach (var tag in tags)
            {
                ofJob = tag.Key == "mlnetbatch.job" ? tag.Value as string : ofJob;
                scheme = tag.Key == "mlnetbatch.store.scheme" ? tag.Value as string : scheme;
            }

            if (ofJob == job)
            {
                heard.AddOrUpdate((instrument.Name, scheme), value, (_, sum) => sum + value);
            }
        });
        listener.Start();

        var summary = await new JobRunner(resolver, new JobPaths(dir.Path)).RunAsync(
            job, S3SourcesAndSinksTests.Job($"s3://{S3rverFixture.Bucket}/{prefix}/in/*.parquet", TestModels.Tabular(dir), $"s3://{S3rverFixture.Bucket}/{prefix}/out"));

        Assert.Equal(1000, summary.RowsOut);
        var read = summary.Stages.Single(s => s.Name == "read").Bytes!.Value;
        var written = summary.Stages.Single(s => s.Name == "write").Bytes!.Value;
        long outputs = 0;
        foreach (var file in summary.OutputFiles)
        {
            var location = ObjectLocation.Parse(file);
            outputs += (await resolver.Resolve(location).StatAsync(location)).Size;
        }

        Assert.Equal(outputs, written);
        Assert.True(read > 0);
        Assert.True(heard[("mlnetbatch.storage.bytes.read", "s3")] >= read);
        Assert.True(heard[("mlnetbatch.storage.bytes.written", "s3")] > written);
        Assert.DoesNotContain(heard.Keys, k => k.Scheme != "s3");
    }
}
