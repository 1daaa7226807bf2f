using System.Globalization;
using System.Text;

namespace MlNetBatch.Worker.Service;

/// <summary>
/// The hardened systemd unit of the worker: <c>Type=notify</c> (the worker calls <c>AddSystemd()</c>), its own user,
/// a read-only system apart from the directories the jobs write, and a stop timeout that covers the longest graceful
/// stop.
/// </summary>
/// <param name="Prefix">The folder the worker was published to: its working directory.</param>
/// <param name="Executable">The published worker executable.</param>
/// <param name="ConfigFile">The <c>--config</c> file, when the service reads one.</param>
/// <param name="User">The dedicated user; null for a <c>DynamicUser=</c> allocated at each start.</param>
/// <param name="Requirements">The directories to allow and the longest grace period, from the configuration.</param>
internal sealed record SystemdUnit(string Prefix, string Executable, string? ConfigFile, string? User, ServiceRequirements Requirements)
{
    /// <summary>Secrets (storage keys, connection strings) go here, readable by root only, never into the unit.</summary>
    public const string EnvironmentFile = "/etc/mlnetbatch/env";

    /// <summary>The unit's <c>StateDirectory=</c>, under /var/lib, when the configuration names no state directory.</summary>
    public const string StateDirectoryName = "mlnetbatch";

    /// <summary>Whole seconds systemd waits after SIGTERM before it kills the worker (the host gives up sooner).</summary>
    public int TimeoutStopSeconds => Hosting.ShutdownTimes.UnitTimeoutSeconds(Requirements.LongestGracePeriod);

    /// <summary>The unit file's text.</summary>
    public string Render()
    {
        var command = new List<string> { Executable };
        if (ConfigFile is not null)
        {
            command.AddRange(["--config", ConfigFile]);
        }

        var text = new StringBuilder();
        Line(text, "# Written by 'MlNetBatch.Worker service install --systemd'; 'service uninstall --systemd' removes it.");
        Line(text, "# Run the install again after changing which directories the jobs write or their grace periods.");
        Line(text, "[Unit]");
        Line(text, "Description=MlNetBatch batch inference worker");
        Line(text, "After=network-online.target");
        Line(text, "Wants=network-online.target");
        Line(text, string.Empty);
        Line(text, "[Service]");
        Line(text, "Type=notify");
        Line(text, $"WorkingDirectory={Specifiers(Prefix)}");
        Line(text, $"ExecStart={string.Join(' ', command.Select(CommandArgument))}");
        Line(text, $"Environment=DOTNET_ENVIRONMENT={ServiceConfiguration.Environment}");
        Line(text, "# Secrets (MLNETBATCH__..., AWS_SECRET_ACCESS_KEY, AZURE_STORAGE_CONNECTION_STRING) as NAME=value lines; chmod 600.");
        Line(text, $"EnvironmentFile=-{EnvironmentFile}");
        Line(text, User is null ? "DynamicUser=yes" : $"User={User}");
        Line(text, "Restart=on-failure");
        Line(text, "RestartSec=5");
        Line(text, "# The longest Execution:ShutdownGracePeriod of the jobs plus a margin: running partitions commit before the stop.");
        Line(text, $"TimeoutStopSec={TimeoutStopSeconds.ToString(CultureInfo.InvariantCulture)}");
        Line(text, "ProtectSystem=strict");
        if (Requirements.WritableDirectories.Count > 0)
        {
            Line(text, "# The jobs' output, state and log directories, computed from the configuration.");
            Line(text, $"ReadWritePaths={string.Join(' ', Requirements.WritableDirectories.Select(PathArgument))}");
        }

        if (!Requirements.StateDirectoryConfigured)
        {
            Line(text, "# The run history: systemd makes /var/lib/mlnetbatch, owned by the service's user, and passes it as $STATE_DIRECTORY.");
            Line(text, $"StateDirectory={StateDirectoryName}");
        }

        Line(text, "NoNewPrivileges=yes");
        Line(text, "PrivateTmp=yes");
        Line(text, "ProtectHome=yes");
        Line(text, string.Empty);
        Line(text, "[Install]");
        Line(text, "WantedBy=multi-user.target");
        return text.ToString();
    }

    /// <summary>An ExecStart= word: specifiers and variable references escaped, quoted when it holds a space or quote.</summary>
    internal static string CommandArgument(string value) => Quoted(Specifiers(value).Replace("$", "$$", StringComparison.Ordinal));

    /// <summary>A word of a path list (ReadWritePaths=): specifiers escaped, quoted when needed.</summary>
    internal static string PathArgument(string value) => Quoted(Specifiers(value));

    /// <summary>systemd expands <c>%x</c> specifiers in these settings; a literal percent sign is <c>%%</c>.</summary>
    private static string Specifiers(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    private static string Quoted(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // Unit files use \n line ends whatever the platform the command runs on.
    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
