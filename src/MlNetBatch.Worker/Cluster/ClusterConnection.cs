namespace MlNetBatch.Worker.Cluster;

/// <summary>Finds the cluster database's connection string where secrets belong: the environment or a secret file.</summary>
internal static class ClusterConnection
{
    /// <summary>The connection string, or a sentence saying why there is none.</summary>
    public static (string? ConnectionString, string? Problem) Resolve(ClusterOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionStringEnvironmentVariable)
            && Environment.GetEnvironmentVariable(options.ConnectionStringEnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return (fromEnvironment.Trim(), null);
        }

        if (options.ConnectionStringFile is { Length: > 0 } file)
        {
            if (!File.Exists(file))
            {
                return (null, $"{ClusterOptions.SectionName}:{nameof(ClusterOptions.ConnectionStringFile)}: the file '{file}' does not exist.");
            }

            var content = File.ReadAllText(file).Trim();
            return content.Length > 0
                ? (content, null)
                : (null, $"{ClusterOptions.SectionName}:{nameof(ClusterOptions.ConnectionStringFile)}: the file '{file}' is empty.");
        }

        return (null, $"{ClusterOptions.SectionName}: clustering is enabled but no connection string was found: set the environment variable {options.ConnectionStringEnvironmentVariable} or {nameof(ClusterOptions.ConnectionStringFile)} (never the connection string itself in appsettings).");
    }
}
