using Microsoft.Extensions.Configuration;
using MlNetBatch.Jobs;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Adds a <c>--config</c> file whose relative job paths (source, model, sink) resolve against the file's own folder,
/// so a job file and the data beside it can be used from any working directory. Paths from other sources
/// (<c>appsettings.json</c>, environment variables) still resolve against the working directory.
/// </summary>
internal static class ConfigFileJobPaths
{
    // The job settings that name local files or folders.
    private static readonly string[] PathKeys = ["Source:Path", "Model:ModelPath", "Sink:Path"];

    public static IConfigurationBuilder AddJobConfigFile(this IConfigurationBuilder builder, string configFile)
    {
        var file = Path.GetFullPath(configFile);
        var folder = Path.GetDirectoryName(file)!;
        builder.AddJsonFile(file, optional: false, reloadOnChange: false);

        // The file's own values, rebased and layered right over it: later sources still win over both.
        var rebased = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var jobs = new ConfigurationBuilder().AddJsonFile(file, optional: false).Build().GetSection($"{MlNetBatchOptions.SectionName}:Jobs");
        foreach (var job in jobs.GetChildren())
        {
            var paths = PathKeys.Select(job.GetSection).Concat(job.GetSection("Source:Paths").GetChildren());
            foreach (var setting in paths)
            {
                if (setting.Value is { Length: > 0 } path && !path.Contains("://", StringComparison.Ordinal) && !Path.IsPathRooted(path))
                {
                    rebased[setting.Path] = Path.GetFullPath(Path.Combine(folder, path));
                }
            }
        }

        return builder.AddInMemoryCollection(rebased);
    }
}
