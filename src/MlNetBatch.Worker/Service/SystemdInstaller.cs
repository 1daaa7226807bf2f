using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Worker.Service;

/// <summary>
/// <c>service install --systemd</c> and <c>service uninstall --systemd</c>: writes the hardened unit computed from the
/// configuration and the output directories it allows, then prints (or, asked to, runs) the <c>systemctl</c> commands;
/// uninstall stops and removes what install wrote. Output data is never removed.
/// </summary>
internal static class SystemdInstaller
{
    /// <summary>The published worker's executable name on Linux (the apphost <c>dotnet publish</c> writes).</summary>
    public const string ExecutableName = "MlNetBatch.Worker";

    /// <summary>Paths the unit hides from the service: jobs cannot use them.</summary>
    private static readonly (string Path, string Setting)[] HiddenPaths =
        [("/home", "ProtectHome"), ("/root", "ProtectHome"), ("/run/user", "ProtectHome"), ("/tmp", "PrivateTmp"), ("/var/tmp", "PrivateTmp")];

    public static int Install(ServiceInstallRequest request, TextWriter output)
    {
        var executable = Path.Combine(request.Prefix, ExecutableName);
        if (!File.Exists(executable))
        {
            output.WriteLine($"No published worker at {executable}: publish it first (dotnet publish src/MlNetBatch.Worker -c Release -o {request.Prefix}) or name its folder with --prefix.");
            return WorkerCommandLine.Failed;
        }

        var requirements = ServiceRequirements.From(ServiceConfiguration.Load(request.Prefix, request.ConfigFile), request.Prefix);
        var unit = new SystemdUnit(request.Prefix, executable, request.ConfigFile, request.User, requirements);
        try
        {
            File.WriteAllText(request.UnitFile, unit.Render());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"Cannot write the unit file {request.UnitFile}: {e.Message.TrimEnd('.')}; run the install as root (sudo) or choose --unit-dir.");
            return WorkerCommandLine.Failed;
        }

        output.WriteLine($"Wrote {request.UnitFile} (TimeoutStopSec={unit.TimeoutStopSeconds}, running as {request.User ?? "a dynamic user"}).");
        if (PrepareDirectories(request, requirements.WritableDirectories, output) is { } failure)
        {
            output.WriteLine(failure);
            return WorkerCommandLine.Failed;
        }

        string[][] commands = [["daemon-reload"], ["enable", "--now", ServiceInstallRequest.UnitName]];
        if (!request.Apply)
        {
            output.WriteLine("Start it with:");
            foreach (var command in commands)
            {
                output.WriteLine($"  sudo systemctl {string.Join(' ', command)}");
            }
        }
        else if (RunAll(commands, output) is { } failed)
        {
            output.WriteLine(failed);
            return WorkerCommandLine.Failed;
        }

        output.WriteLine("Then:");
        output.WriteLine($"  systemctl status {ServiceInstallRequest.UnitName}");
        output.WriteLine($"  journalctl -u {ServiceInstallRequest.UnitName} -f");
        output.WriteLine($"Secrets go in {SystemdUnit.EnvironmentFile} (NAME=value lines, chmod 600), never in the unit.");
        if (!requirements.StateDirectoryConfigured)
        {
            output.WriteLine($"Run history: /var/lib/{SystemdUnit.StateDirectoryName} (StateDirectory=); 'history' and 'status' from a shell read it with STATE_DIRECTORY=/var/lib/{SystemdUnit.StateDirectoryName} set, or set MlNetBatch:StateDirectory in the configuration.");
        }

        return 0;
    }

    public static int Uninstall(ServiceInstallRequest request, TextWriter output)
    {
        if (!File.Exists(request.UnitFile))
        {
            output.WriteLine($"No unit at {request.UnitFile}; nothing to remove.");
            return 0;
        }

        var enabled = File.Exists(request.EnabledLink) || Directory.Exists(request.EnabledLink) || new FileInfo(request.EnabledLink).LinkTarget is not null;
        if (enabled && !request.Apply)
        {
            output.WriteLine($"The {ServiceInstallRequest.UnitName} service is enabled ({request.EnabledLink}): run 'sudo systemctl disable --now {ServiceInstallRequest.UnitName}' first, or pass --disable.");
            return WorkerCommandLine.Failed;
        }

        if (request.Apply && RunAll([["disable", "--now", ServiceInstallRequest.UnitName]], output) is { } failed)
        {
            output.WriteLine(failed);
            return WorkerCommandLine.Failed;
        }

        try
        {
            File.Delete(request.UnitFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"Cannot remove the unit file {request.UnitFile}: {e.Message.TrimEnd('.')}; run the uninstall as root (sudo).");
            return WorkerCommandLine.Failed;
        }

        output.WriteLine($"Removed {request.UnitFile}; the jobs' output, state and log directories are kept.");
        if (!request.Apply)
        {
            output.WriteLine("  sudo systemctl daemon-reload");
            return 0;
        }

        if (RunAll([["daemon-reload"]], output) is { } reload)
        {
            output.WriteLine(reload);
            return WorkerCommandLine.Failed;
        }

        return 0;
    }

    /// <summary>
    /// Creates the writable directories that do not exist yet (systemd refuses to start a unit whose ReadWritePaths= are
    /// missing, and the read-only system would not let the worker create them), gives those to the dedicated user,
    /// and warns about directories the unit hides.
    /// </summary>
    private static string? PrepareDirectories(ServiceInstallRequest request, IReadOnlyList<string> directories, TextWriter output)
    {
        foreach (var directory in directories)
        {
            foreach (var (hidden, setting) in HiddenPaths)
            {
                if (directory == hidden || directory.StartsWith(hidden + "/", StringComparison.Ordinal))
                {
                    output.WriteLine($"Warning: {directory} is under {hidden}, which {setting}=yes hides from the service; move it elsewhere (e.g. /var/lib/mlnetbatch).");
                }
            }

            if (Directory.Exists(directory))
            {
                output.WriteLine($"Writable: {directory}");
                continue;
            }

            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"Cannot create the directory {directory} the jobs write: {e.Message.TrimEnd('.')}.";
            }

            output.WriteLine($"Writable: {directory} (created)");
            if (request.User is { } user && SystemCommand.Run("chown", [user, directory], output) is { } failure)
            {
                return failure;
            }
        }

        if (request.User is null && directories.Count > 0)
        {
            output.WriteLine("DynamicUser=yes: the service's user exists only while it runs, so the directories above must be writable by it (or pass --user with a dedicated account that owns them).");
        }

        return null;
    }

    private static string? RunAll(IEnumerable<string[]> commands, TextWriter output)
    {
        foreach (var command in commands)
        {
            if (SystemCommand.Run("systemctl", command, output) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }
}
