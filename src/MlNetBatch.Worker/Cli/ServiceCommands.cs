using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlNetBatch.Worker.Service;

namespace MlNetBatch.Worker.Cli;

/// <summary><c>service install</c> and <c>service uninstall</c>: register the worker with systemd or the Windows service manager.</summary>
internal static partial class ServiceCommands
{
    /// <summary>Builds the <c>service</c> command; <paramref name="configOption"/> is the root's recursive <c>--config</c>.</summary>
    public static Command Create(Option<FileInfo?> configOption, TextWriter? output)
    {
        var systemd = new Option<bool>("--systemd") { Description = "A systemd unit (the default on Linux)." };
        var windows = new Option<bool>("--windows") { Description = "A Windows service, through sc.exe (the default on Windows)." };
        var user = new Option<string?>("--user") { Description = "Run as this account instead of the system user mlnetbatch (created, with --enable, when missing); Windows: instead of the virtual account NT SERVICE\\MlNetBatch." };
        var dynamicUser = new Option<bool>("--dynamic-user") { Description = "systemd: run as a user allocated at each start (DynamicUser=yes), which can write only directories every user may write." };
        var prefix = new Option<string?>("--prefix") { Description = "The folder the worker was published to (default /opt/mlnetbatch; on Windows C:\\Program Files\\MlNetBatch)." };
        var unitDirectory = new Option<DirectoryInfo?>("--unit-dir") { Description = $"Where the systemd unit goes (default {ServiceInstallRequest.DefaultUnitDirectory})." };
        var enable = new Option<bool>("--enable") { Description = "Run the commands (useradd and chown for the service's user, systemctl daemon-reload, enable --now; sc.exe on Windows) instead of printing them." };
        var disable = new Option<bool>("--disable") { Description = "Stop and disable the service (systemctl disable --now; sc.exe stop/delete on Windows) instead of printing the commands." };

        var install = new Command("install", "Register the worker as a service: writes a hardened systemd unit computed from the configuration (or prints the sc.exe commands), then prints or runs the commands that start it.");
        var uninstall = new Command("uninstall", "Remove what install wrote (the jobs' output is kept).");
        foreach (var option in new Option[] { systemd, windows, user, prefix, unitDirectory })
        {
            install.Options.Add(option);
            uninstall.Options.Add(option);
        }

        install.Options.Add(enable);
        install.Options.Add(dynamicUser);
        uninstall.Options.Add(disable);
        install.SetAction(parse => Execute(parse, enable, install: true));
        uninstall.SetAction(parse => Execute(parse, disable, install: false));

        var service = new Command("service", "Install or remove the worker as a systemd unit or Windows service.");
        service.Subcommands.Add(install);
        service.Subcommands.Add(uninstall);
        return service;

        int Execute(ParseResult parse, Option<bool> apply, bool install)
        {
            var writer = output ?? Console.Out;
            var onWindows = parse.GetValue(windows) || (!parse.GetValue(systemd) && OperatingSystem.IsWindows());
            if (parse.GetValue(windows) && parse.GetValue(systemd))
            {
                writer.WriteLine("Choose one of --systemd and --windows.");
                return WorkerCommandLine.Usage;
            }

            var dynamic = install && parse.GetValue(dynamicUser);
            if (dynamic && (onWindows || parse.GetValue(user) is not null))
            {
                writer.WriteLine(onWindows ? "--dynamic-user is for systemd only." : "Choose one of --user and --dynamic-user.");
                return WorkerCommandLine.Usage;
            }

            var account = parse.GetValue(user);
            if (account is not null && !(onWindows ? WindowsAccount() : UnixUser()).IsMatch(account))
            {
                writer.WriteLine($"--user '{account}' is not a valid {(onWindows ? "Windows account (name, DOMAIN\\name or DOMAIN\\gmsa$)" : "user name (letters, digits, '_', '-' and '.', not starting with a digit or '-')")}.");
                return WorkerCommandLine.Usage;
            }

            // Windows paths given on another system (to print the commands) are kept as they were typed.
            var native = !onWindows || OperatingSystem.IsWindows();
            var request = new ServiceInstallRequest(
                Native(parse.GetValue(prefix) ?? (onWindows ? @"C:\Program Files\MlNetBatch" : "/opt/mlnetbatch"), native),
                account,
                parse.GetResult(configOption)?.Tokens.FirstOrDefault()?.Value is { } config ? Native(config, native) : null,
                parse.GetValue(apply),
                parse.GetValue(unitDirectory)?.FullName ?? ServiceInstallRequest.DefaultUnitDirectory,
                dynamic);
            try
            {
                return (onWindows, install) switch
                {
                    (false, true) => SystemdInstaller.Install(request, writer),
                    (false, false) => SystemdInstaller.Uninstall(request, writer),
                    (true, true) => WindowsInstaller.Install(request, writer),
                    (true, false) => WindowsInstaller.Uninstall(request, writer),
                };
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or FormatException)
            {
                return FailureReport.ReportUnreadableConfiguration(e, writer);
            }
            catch (Exception e)
            {
                return FailureReport.Report(e, writer);
            }
        }
    }

    private static string Native(string path, bool native) =>
        native ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) : path.TrimEnd('\\');

    // systemd's relaxed user-name rule, less the characters that would need quoting in a unit file.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]{0,31}$")]
    private static partial Regex UnixUser();

    [GeneratedRegex(@"^([A-Za-z0-9_.-]+\\)?[A-Za-z0-9_. -]+\$?$")]
    private static partial Regex WindowsAccount();
}
