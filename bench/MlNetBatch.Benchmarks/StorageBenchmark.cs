using System.Globalization;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using MlNetBatch.Storage;
using MlNetBatch.Storage.Azure;
using MlNetBatch.Storage.S3;
using MlNetBatch.Testing.Emulators;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// The same Parquet input read, and scored end to end, from local disk, a real s3rver and a real Azurite on
/// loopback, side by side: what streaming through the object-store providers costs against local files.
/// </summary>
internal static class StorageBenchmark
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static async Task RunAsync(string work, string modelPath, int rows, int repetitions)
    {
        Console.WriteLine();
        Console.WriteLine("Storage: the same Parquet input from local disk, s3rver and Azurite (servers on 127.0.0.1)");
        await using var s3 = await BenchS3.StartAsync(work, "bench");
        await using var azurite = await EmulatorProcess.StartAsync("azurite-blob", (port, data) =>
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", data, "--skipApiVersionCheck", "--disableTelemetry", "--silent"], EmulatorProbe.Azurite);

        var s3Store = s3.Store;
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:{azurite.Port}/devstoreaccount1;";
        await new BlobServiceClient(connection).CreateBlobContainerAsync("bench");
        var azureStore = new AzureBlobObjectStore(Options.Create(new AzureBlobStorageOptions { ConnectionString = connection }));
        var resolver = new ObjectStoreResolver([s3Store, azureStore]);

        var locations = new (string Name, string Input, string Output)[]
        {
            ("local disk", Path.Combine(work, "in", "*.parquet"), Path.Combine(work, "out-local")),
            ("s3rver", "s3://bench/in/*.parquet", "s3://bench/out"),
            ("Azurite", "az://devstoreaccount1/bench/in/*.parquet", "az://devstoreaccount1/bench/out"),
        };
        foreach (var file in Directory.GetFiles(Path.Combine(work, "in")))
        {
            await UploadAsync(s3Store, $"s3://bench/in/{Path.GetFileName(file)}", file);
            await UploadAsync(azureStore, $"az://devstoreaccount1/bench/in/{Path.GetFileName(file)}", file);
        }

        var ml = new MLContext(seed: 0);
        var runner = new JobRunner(resolver, new JobPaths(work));
        var read = new double[locations.Length];
        var job = new double[locations.Length];
        for (var i = 0; i < locations.Length; i++)
        {
            var (name, input, output) = locations[i];
            read[i] = Measurement.RowsPerSecond($"read Parquet from {name}", rows, repetitions, () =>
                Drain.TabularColumns(ml.Data.LoadFrom(input, DataFormatKind.Parquet, null, resolver)));
            var definition = new JobDefinition
            {
                Source = new SourceDefinition { Path = input },
                Preprocess = [new PreprocessStep { Transform = "Concatenate", OutputColumn = "features", InputColumns = TabularData.FeatureColumns.ToList() }],
                Model = new MlNetBatch.Jobs.Models.ModelDefinition { ModelPath = modelPath, Device = OnnxDevice.Cpu },
                Sink = new SinkDefinition { Path = output, Columns = ["id", "probabilities", "label"] },
            };
            job[i] = Measurement.RowsPerSecond($"whole job, {name} -> {name}", rows, repetitions, () =>
                runner.RunAsync("bench", definition, new JobRunOptions { Restart = true }, CancellationToken.None).GetAwaiter().GetResult());
        }

        var bytes = Directory.GetFiles(Path.Combine(work, "in")).Sum(f => new FileInfo(f).Length);
        Console.WriteLine();
        for (var i = 0; i < locations.Length; i++)
        {
            Console.WriteLine($"  {locations[i].Name,-10} read {read[i] * bytes / rows / 1048576,7:N1} MiB/s"
                + (i == 0 ? string.Empty : $"   cloud/local: read {read[i] / read[0],5:N2}, job {job[i] / job[0],5:N2}"));
        }
    }

    private static async Task UploadAsync(IObjectStore store, string uri, string file)
    {
        await using var write = await store.CreateAsync(ObjectLocation.Parse(uri));
        await using (var source = File.OpenRead(file))
        {
            await source.CopyToAsync(write.Stream);
        }

        await write.CommitAsync();
    }
}
