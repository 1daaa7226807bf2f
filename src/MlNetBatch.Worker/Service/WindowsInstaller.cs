using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Worker.Service;

/// <summary>
/// <c>service install --windows</c> and <c>service uninstall --windows</c>: print the <c>sc.exe</c> commands for an
/// elevated prompt, or run them (<c>--enable</c>/<c>--disable</c>, on Windows only).
/// </summary>
internal static class WindowsInstaller
{
    public static int Install(ServiceInstallRequest request, TextWriter output)
    {
        // The commands can be printed on another system for Windows paths that are not readable here.
        var readable = request.ConfigFile is null || File.Exists(request.ConfigFile) || OperatingSystem.IsWindows();
        if (!readable)
        {
            output.WriteLine($"The configuration file {request.ConfigFile} is not readable here: grant the service's account modify rights on the jobs' output and log folders yourself (icacls <folder> /grant \"{request.User ?? WindowsServiceCommands.VirtualAccount}:(OI)(CI)M\").");
        }

        var requirements = ServiceRequirements.From(ServiceConfiguration.Load(request.Prefix, readable ? request.ConfigFile : null), request.Prefix);
        var commands = new WindowsServiceCommands(request.Prefix, request.ConfigFile, request.User, requirements.WritableDirectories);
        return Apply(request, commands.Install(), "From an elevated command prompt:", output);
    }

    public static int Uninstall(ServiceInstallRequest request, TextWriter output) =>
        Apply(request, new WindowsServiceCommands(request.Prefix, request.ConfigFile, request.User, []).Uninstall(), "From an elevated command prompt:", output);

    private static int Apply(ServiceInstallRequest request, IReadOnlyList<WindowsCommandLine> commands, string heading, TextWriter output)
    {
        if (!request.Apply)
        {
            output.WriteLine(heading);
            foreach (var command in commands)
            {
                output.WriteLine($"  {command}");
            }

            return 0;
        }

        if (!OperatingSystem.IsWindows())
        {
            output.WriteLine("Running the Windows service commands needs Windows; without --enable/--disable they are printed for you to run there.");
            return WorkerCommandLine.Failed;
        }

        foreach (var command in commands)
        {
            if (SystemCommand.Run(command.Program, command.Arguments, output) is { } failure)
            {
                output.WriteLine(failure);
                return WorkerCommandLine.Failed;
            }
        }

        return 0;
    }
}
