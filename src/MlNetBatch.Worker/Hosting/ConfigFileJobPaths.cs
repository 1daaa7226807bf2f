using Microsoft.Extensions.Configuration;
using MlNetBatch.Jobs;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Adds a <c>--config</c> file whose relative job paths (source, model, sink) resolve against the file's own folder,
/// so a job file and the data beside it can be used from any working directory. Paths from other sources
/// (<c>appsettings.json</c>, environment variables) still resolve against the working directory. The file is watched:
/// an edit is read again, rebased the same way, and a malformed one is rejected (the previous values stay).
/// </summary>
internal static class ConfigFileJobPaths
{
    // The job settings that name local files or folders; Source:Paths:n as well.
    private static readonly string[] PathKeys = ["Source:Path", "Model:ModelPath", "Sink:Path"];

    public static IConfigurationBuilder AddJobConfigFile(this IConfigurationBuilder builder, string configFile)
    {
        var file = Path.GetFullPath(configFile);
        return builder.Add<JobConfigFileSource>(source =>
        {
            source.Path = file;
            source.Optional = false;
            source.ReloadOnChange = true;
            source.ResolveFileProvider();
        });
    }

    /// <summary>Rewrites, in place, the relative local paths among the jobs' settings <paramref name="data"/> against <paramref name="folder"/>.</summary>
    internal static void Rebase(IDictionary<string, string?> data, string folder)
    {
        var jobs = $"{MlNetBatchOptions.SectionName}:{nameof(MlNetBatchOptions.Jobs)}:";
        foreach (var (key, value) in data.ToList())
        {
            if (value is not { Length: > 0 } path || !key.StartsWith(jobs, StringComparison.OrdinalIgnoreCase)
                || path.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(path))
            {
                continue;
            }

            // The key after the job's name: Source:Path, Source:Paths:0, Model:ModelPath, Sink:Path.
            var setting = key[jobs.Length..];
            setting = setting[(setting.IndexOf(':', StringComparison.Ordinal) + 1)..];
            var isPath = PathKeys.Contains(setting, StringComparer.OrdinalIgnoreCase)
                || (setting.StartsWith("Source:Paths:", StringComparison.OrdinalIgnoreCase) && int.TryParse(setting["Source:Paths:".Length..], out _));
            if (isPath)
            {
                data[key] = Path.GetFullPath(Path.Combine(folder, path));
            }
        }
    }

    /// <summary>The <c>--config</c> file: guarded JSON, with its jobs' relative paths rebased at each load.</summary>
    private sealed class JobConfigFileSource : GuardedJsonFiles.Source
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            EnsureDefaults(builder);
            return new JobConfigFileProvider(this);
        }
    }

    private sealed class JobConfigFileProvider(JobConfigFileSource source) : GuardedJsonFiles.Provider(source)
    {
        protected override void Loaded(IDictionary<string, string?> data) => Rebase(data, Path.GetDirectoryName(File)!);
    }
}
