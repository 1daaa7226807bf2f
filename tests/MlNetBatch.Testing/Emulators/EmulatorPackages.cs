using System.Diagnostics;

namespace MlNetBatch.Testing.Emulators;

/// <summary>
/// The npm packages of the test servers (tests/emulators/package.json). Installed on first use with
/// <c>npm ci</c>, so that <c>dotnet test</c> works on a fresh machine that can reach the npm registry.
/// </summary>
public static class EmulatorPackages
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The folder holding package.json and, once installed, node_modules.</summary>
    public static string Folder { get; } = Path.Combine(FindRepositoryRoot(), "tests", "emulators");

    /// <summary>The script every server loads first, which ends the server when the test process that started it is gone.</summary>
    public static string ExitWithParentScript => Path.Combine(Folder, "exit-with-parent.js");

    /// <summary>The path of an installed package's command, for example <c>s3rver</c>.</summary>
    public static string Command(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    /// <summary>Installs the packages unless they are there already.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (IsInstalled())
            {
                return;
            }

            // A file lock as well: test projects run in parallel processes and must not install twice at once.
            await using var crossProcess = await AcquireFileLockAsync(Path.Combine(Folder, ".install.lock")).ConfigureAwait(false);
            if (IsInstalled())
            {
                return;
            }

            var start = new ProcessStartInfo("npm") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                start.ArgumentList.Add(argument);
            }

            using var npm = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm; install Node.js to run the storage tests.");
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' in {Folder} failed ({npm.ExitCode}): {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    // The GCS emulator has no command of its own: tests/emulators/gcs-emulator.js loads it from firebase-tools.
    private static bool IsInstalled() =>
        File.Exists(Command("s3rver")) && File.Exists(Command("azurite-blob"))
        && File.Exists(Path.Combine(Folder, "node_modules", "firebase-tools", "lib", "emulator", "storage", "index.js"));

    private static async Task<FileStream> AcquireFileLockAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250).ConfigureAwait(false);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlNetBatch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The tests must run from inside the repository.");
    }
}
