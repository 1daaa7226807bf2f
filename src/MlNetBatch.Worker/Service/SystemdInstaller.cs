using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Worker.Service;

/// <summary>
/// <c>service install --systemd</c> and <c>service uninstall --systemd</c>: writes the hardened unit computed from the
/// configuration, readies the output directories it allows and the user it runs as, then prints (or, asked to, runs)
/// the <c>systemctl</c> commands;
/// uninstall stops and removes what install wrote. Output data is never removed.
/// </summary>
internal static class SystemdInstaller
{
    /// <summary>The published worker's executable name on Linux (the apphost <c>dotnet publish</c> writes).</summary>
    public const string ExecutableName = "MlNetBatch.Worker";

    public static int Install(ServiceInstallRequest request, TextWriter output)
    {
        var executable = Path.Combine(request.Prefix, ExecutableName);
        if (!File.Exists(executable))
        {
            output.WriteLine($"No published worker at {executable}: publish it first (dotnet publish src/MlNetBatch.Worker -c Release -o {request.Prefix}) or name its folder with --prefix.");
            return WorkerCommandLine.Failed;
        }

        var requirements = ServiceRequirements.From(ServiceConfiguration.Load(request.Prefix, request.ConfigFile), request.Prefix);
        // A dedicated system user by default: a dynamic one could not write the directories the install makes.
        var user = request.DynamicUser ? null : new SystemdServiceUser(request.User ?? SystemdServiceUser.DefaultName);
        var unit = new SystemdUnit(request.Prefix, executable, request.ConfigFile, user?.Name, requirements);
        try
        {
            File.WriteAllText(request.UnitFile, unit.Render());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"Cannot write the unit file {request.UnitFile}: {e.Message.TrimEnd('.')}; run the install as root (sudo) or choose --unit-dir.");
            return WorkerCommandLine.Failed;
        }

        output.WriteLine($"Wrote {request.UnitFile} (TimeoutStopSec={unit.TimeoutStopSeconds}, running as {user?.Name ?? "a dynamic user"}).");
        if (SystemdDirectories.Prepare(user, request.Apply, requirements.WritableDirectories, output) is { } failure)
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
