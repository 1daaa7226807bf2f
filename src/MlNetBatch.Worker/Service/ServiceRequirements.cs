using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Storage;
using MlNetBatch.Worker.History;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.Service;

/// <summary>
/// What a service unit must allow the configured jobs: the local directories they write (outputs, whose manifest,
/// lease and <c>_quarantine</c> live inside them; TensorRT engine caches; log files; a configured state directory; the
/// GCS spool) and the time the
/// longest graceful stop takes.
/// </summary>
/// <param name="WritableDirectories">The local directories the jobs and the worker write, outermost only, in order.</param>
/// <param name="LongestGracePeriod">The longest <c>Execution:ShutdownGracePeriod</c> of the jobs.</param>
/// <param name="StateDirectoryConfigured">
/// Whether <c>MlNetBatch:StateDirectory</c> names the state directory (then it is among
/// <paramref name="WritableDirectories"/>); otherwise the worker uses systemd's <c>StateDirectory=</c>.
/// </param>
internal sealed record ServiceRequirements(IReadOnlyList<string> WritableDirectories, TimeSpan LongestGracePeriod, bool StateDirectoryConfigured)
{

    /// <summary>Reads the requirements from the configuration; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="OptionsValidationException">A job setting is unknown or does not convert (each named by its path).</exception>
    public static ServiceRequirements From(IConfiguration configuration, string baseDirectory)
    {
        var paths = new JobPaths(baseDirectory);
        var section = configuration.GetSection(MlNetBatchOptions.SectionName);
        var options = section.Get<MlNetBatchOptions>() ?? new MlNetBatchOptions();
        // The binder leaves out a job with a value it cannot convert: that job's directories would be missing.
        var binding = new JobBindingValidator(section).Validate(null, options);
        if (binding.Failed)
        {
            throw new OptionsValidationException(MlNetBatchOptions.SectionName, typeof(MlNetBatchOptions), binding.Failures);
        }

        var directories = new List<string>();
        foreach (var job in options.Jobs.Values)
        {
            AddLocal(directories, paths, job.Sink.Path);
            // ONNX Runtime writes the built TensorRT engines there (relative: against the working directory, the prefix).
            AddLocal(directories, paths, job.Model.TensorRtCachePath);
        }

        var stateDirectory = configuration[StateDirectoryOptions.Key];
        AddLocal(directories, paths, stateDirectory);
        AddLocal(directories, paths, configuration[$"{MlNetBatchOptions.SectionName}:Storage:Gcs:SpoolDirectory"]);
        foreach (var logFile in FileSinkPaths(configuration.GetSection("Serilog:WriteTo")))
        {
            AddLocal(directories, paths, Path.GetDirectoryName(paths.Resolve(logFile)));
        }

        return new ServiceRequirements(Outermost(directories), ShutdownTimes.LongestGracePeriod(options.Jobs.Values), !string.IsNullOrWhiteSpace(stateDirectory));
    }

    /// <summary>
    /// The <c>path</c> of every Serilog <c>File</c> sink, also those wrapped in another sink's arguments (<c>Async</c>'s
    /// <c>configure</c>).
    /// </summary>
    private static IEnumerable<string> FileSinkPaths(IConfigurationSection section)
    {
        if (string.Equals(section["Name"], "File", StringComparison.OrdinalIgnoreCase) && section["Args:path"] is { Length: > 0 } path)
        {
            yield return path;
        }

        foreach (var child in section.GetChildren())
        {
            foreach (var nested in FileSinkPaths(child))
            {
                yield return nested;
            }
        }
    }

    private static void AddLocal(List<string> directories, JobPaths paths, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var location = ObjectLocation.Parse(paths.Resolve(path));
        if (location.IsLocal)
        {
            directories.Add(location.LocalPath.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/");
        }
    }

    /// <summary>The directories, without those inside another one of them (already writable), in order.</summary>
    private static List<string> Outermost(List<string> directories)
    {
        var sorted = directories.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return sorted.Where(d => !sorted.Any(other => other != d && IsInside(d, other))).ToList();
    }

    private static bool IsInside(string directory, string other) =>
        other == "/" || directory.StartsWith(other + "/", StringComparison.Ordinal);
}
