using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlNetBatch.Data;

namespace MlNetBatch.Jobs.Commit;

/// <summary>Hashes that say whether earlier output is still valid for a job: its settings and its model.</summary>
public static class JobFingerprint
{
    /// <summary>
    /// A hash of the settings that change what is written: the source's reading and schema, preprocessing, the model's
    /// column bindings and the sink's format and columns. Paths of the model and the output, device, batch size and
    /// parallelism are left out: they change how fast, not what. <paramref name="fittedStates"/> are what the
    /// preprocessing learned at plan time (<see cref="Pipeline.PreprocessStepPlan.FittedState"/>): a changed vocabulary
    /// or mean changes the hash. Jobs that learn nothing hash as they did before fitted stages existed.
    /// </summary>
    public static string Settings(JobDefinition job, IReadOnlyList<Storage.ObjectInfo> inputs, IReadOnlyList<string>? fittedStates = null)
    {
        // Normalizers are fitted on the input, so with one in the pipeline any input change changes every score.
        var fitsOnData = job.Preprocess.Any(s => s.Transform.StartsWith("Normalize", StringComparison.OrdinalIgnoreCase));
        var relevant = new
        {
            Source = new
            {
                Paths = job.Source.AllPaths(),
                Format = Stable(job.Source.Format),
                Columns = job.Source.Columns?.OrderBy(c => c.Key, StringComparer.Ordinal).ToList(),
                job.Source.InferOtherColumns,
                job.Source.Separator,
                job.Source.HasHeader,
                job.Source.PartitionBytes,
                RowGroupsPerPartition = RowGroupGrouping(job, inputs),
                job.Source.MissingValues,
            },
            job.Preprocess,
            Model = ModelSettings(job.Model),
            Sink = new { Format = Stable(job.Sink.Format), job.Sink.Columns },
            FittedOn = fitsOnData ? inputs.Select(i => $"{i.Location}|{i.Size}|{i.ETag}").ToList() : null,
        };
        var settings = JsonSerializer.Serialize(relevant);
        if (fittedStates is { Count: > 0 })
        {
            // Appended rather than added to the object above, so that the hashes of jobs without them stay the same.
            settings += "\n" + JsonSerializer.Serialize(fittedStates);
        }

        return Hash(Encoding.UTF8.GetBytes(settings));
    }

    /// <summary>
    /// The model's column bindings. An ONNX model hashes exactly what every job hashed before models had kinds, so its
    /// committed output stays valid; the other kinds add their kind and name, so no two kinds share a hash.
    /// </summary>
    private static object ModelSettings(Models.ModelDefinition model)
    {
        var inputs = model.InputColumns.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var concatenated = model.ConcatenatedInputs.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var outputs = model.OutputColumns.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        return model.Kind == Models.ModelKind.Onnx
            ? new { InputColumns = inputs, ConcatenatedInputs = concatenated, OutputColumns = outputs }
            : new { Kind = model.Kind.ToString(), model.Name, InputColumns = inputs, ConcatenatedInputs = concatenated, OutputColumns = outputs };
    }

    /// <summary>
    /// Row groups per partition as the hash sees it. Every job hashed 1 here while a Parquet partition was one row
    /// group; formats without row groups keep that 1, so their committed output stays valid, and a Parquet job that
    /// groups row groups by size hashes 0, because its partitions are not the ones committed before.
    /// </summary>
    private static int RowGroupGrouping(JobDefinition job, IReadOnlyList<Storage.ObjectInfo> inputs)
    {
        if (job.Source.RowGroupsPerPartition is { } exact)
        {
            return exact;
        }

        var format = job.Source.Format ?? (inputs.Count > 0 ? Formats.DataFormatRegistry.Default.Detect(inputs[0].Location.Key) : null);
        return format == DataFormatKind.Parquet ? 0 : 1;
    }

    /// <summary>A hash of the model's bytes.</summary>
    public static string Model(byte[] model) => Hash(model);

    /// <summary>
    /// The format as the hash sees it. The built-in formats were an enum, serialized as its number; they keep that
    /// number, so that a run after the change still finds the partitions committed before it. Other formats hash
    /// their name, in lower case because names compare ignoring case.
    /// </summary>
    private static object? Stable(DataFormatKind? format) => format switch
    {
        null => null,
        { } kind when kind == DataFormatKind.Parquet => 0,
        { } kind when kind == DataFormatKind.Csv => 1,
        { } kind when kind == DataFormatKind.JsonLines => 2,
        { } kind => kind.Name.ToLowerInvariant(),
    };

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
