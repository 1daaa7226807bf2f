using MlNetBatch.Storage;

namespace MlNetBatch.Jobs;

/// <summary>
/// The checks of a job's locations that need the file system or the registered storage providers: a source or sink
/// whose scheme no provider handles, and a local sink that a file stands in the way of. Part of
/// <see cref="JobDefinitionValidator"/>; problems are worded relative to the job's section.
/// </summary>
/// <param name="paths">Resolves relative paths in the job.</param>
/// <param name="stores">The registered storage providers, or null when they are not known (schemes are then not checked).</param>
internal sealed class JobLocationChecks(JobPaths paths, ObjectStoreResolver? stores)
{
    /// <summary>Schemes probed to tell the user which ones this worker can read and write.</summary>
    private static readonly string[] KnownSchemes = ["file", "s3", "az", "gs", "http", "https"];

    /// <summary>Where each cloud provider comes from, for the hint on a scheme nobody handles.</summary>
    private static readonly Dictionary<string, string> ProviderSections = new(StringComparer.Ordinal)
    {
        ["s3"] = "Storage:S3",
        ["az"] = "Storage:Azure",
        ["gs"] = "Storage:Gcs (or Storage:S3 with Schemes [\"gs\"])",
    };

    /// <summary>Every location problem of <paramref name="job"/>, path first.</summary>
    public IEnumerable<string> Problems(JobDefinition job)
    {
        if (!string.IsNullOrWhiteSpace(job.Sink.Path) && SinkProblem(job.Sink.Path) is { } sink)
        {
            yield return $"Sink:Path: {sink}";
        }

        foreach (var problem in StorageProblems(job))
        {
            yield return problem;
        }
    }

    /// <summary>A local sink that cannot become a directory because a file stands in its way.</summary>
    private string? SinkProblem(string sink)
    {
        var location = ObjectLocation.Parse(paths.Resolve(sink));
        if (!location.IsLocal)
        {
            return null;
        }

        // Walk up to the first part that exists: a file there means the directory can never be created.
        for (var path = location.LocalPath.TrimEnd('/'); !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (Directory.Exists(path))
            {
                return null;
            }

            if (File.Exists(path))
            {
                return path == location.LocalPath.TrimEnd('/')
                    ? $"'{path}' is a file; the sink must be a directory (the job writes one file per partition into it)."
                    : $"'{location.LocalPath}' cannot be created because '{path}' is a file.";
            }
        }

        return null;
    }

    /// <summary>Every source and sink path whose scheme no registered storage provider handles.</summary>
    private IEnumerable<string> StorageProblems(JobDefinition job)
    {
        if (stores is null)
        {
            yield break;
        }

        var locations = job.Source.Paths.Count > 0
            ? job.Source.Paths.Select((p, i) => (Key: $"Source:Paths:{i}", Path: p))
            : [("Source:Path", job.Source.Path)];
        foreach (var (key, path) in locations.Append(("Sink:Path", job.Sink.Path)))
        {
            // Empty paths are reported by the validator itself.
            var location = string.IsNullOrWhiteSpace(path) ? null : ObjectLocation.Parse(paths.Resolve(path));
            if (location is null)
            {
                continue;
            }

            if (Handles(stores, location))
            {
                if (key == "Sink:Path" && !stores.Resolve(location).CanWrite)
                {
                    yield return $"{key}: '{path}': {location.Scheme}:// locations are read-only here; write the output to a local path or an object store (s3://, az://, gs://).";
                }

                continue;
            }

            var hint = ProviderSections.TryGetValue(location.Scheme, out var section)
                ? $" {location.Scheme}:// is available once {MlNetBatchOptions.SectionName}:{section} is configured."
                : string.Empty;
            yield return $"{key}: '{path}': no storage provider handles the '{location.Scheme}://' scheme; available: {string.Join(", ", AvailableSchemes(stores))}.{hint}";
        }
    }

    private static IEnumerable<string> AvailableSchemes(ObjectStoreResolver stores) =>
        KnownSchemes.Where(s => Handles(stores, ObjectLocation.Parse(s == "file" ? "/" : $"{s}://probe/probe/probe"))).Select(s => s == "file" ? "local paths" : $"{s}://");

    private static bool Handles(ObjectStoreResolver stores, ObjectLocation location)
    {
        try
        {
            stores.Resolve(location);
            return true;
        }
        catch (StorageException)
        {
            return false;
        }
    }
}
