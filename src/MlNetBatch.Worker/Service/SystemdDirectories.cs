namespace MlNetBatch.Worker.Service;

/// <summary>
/// Readies the directories the unit lets the service write (<c>ReadWritePaths=</c>) and the account that writes them:
/// creates the missing directories (systemd refuses to start a unit whose <c>ReadWritePaths=</c> are missing, and the
/// read-only system would not let the worker create them), creates the dedicated user when missing, gives it the
/// directories it created and names those that existed and it cannot write. What changes accounts or ownership runs only
/// with <c>--enable</c>, as <c>systemctl</c> does; otherwise those commands are printed.
/// </summary>
internal static class SystemdDirectories
{
    /// <summary>Paths the unit hides from the service: jobs cannot use them.</summary>
    private static readonly (string Path, string Setting)[] HiddenPaths =
        [("/home", "ProtectHome"), ("/root", "ProtectHome"), ("/run/user", "ProtectHome"), ("/tmp", "PrivateTmp"), ("/var/tmp", "PrivateTmp")];

    /// <summary>Readies <paramref name="directories"/> for <paramref name="user"/> (null: DynamicUser); null on success, else the line that says why not.</summary>
    public static string? Prepare(SystemdServiceUser? user, bool apply, IReadOnlyList<string> directories, TextWriter output)
    {
        var created = new List<string>();
        var existing = new List<string>();
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
                existing.Add(directory);
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

            created.Add(directory);
            output.WriteLine($"Writable: {directory} (created)");
        }

        if (user is null)
        {
            if (directories.Count > 0)
            {
                output.WriteLine("DynamicUser=yes (--dynamic-user): the service's user exists only while it runs and owns none of the directories above, so it can write them only if they are writable by every user (chmod 1777); the default dedicated user avoids this.");
            }

            return null;
        }

        return user.Exists() ? GiveTo(user, created, existing, output) : CreateUser(user, apply, created, existing, output);
    }

    private static string? GiveTo(SystemdServiceUser user, List<string> created, List<string> existing, TextWriter output)
    {
        foreach (var directory in created)
        {
            if (SystemCommand.Run("chown", [user.Name, directory], output) is { } failure)
            {
                return failure;
            }
        }

        foreach (var directory in existing.Where(d => !user.CanWrite(d)))
        {
            output.WriteLine(user.NotWritable(directory));
        }

        return null;
    }

    private static string? CreateUser(SystemdServiceUser user, bool apply, List<string> created, List<string> existing, TextWriter output)
    {
        if (apply)
        {
            return SystemCommand.Run("useradd", user.CreateArguments, output) ?? GiveTo(user, created, existing, output);
        }

        output.WriteLine($"The service's user {user.Name} does not exist yet. Create it and give it the directories created above with:");
        output.WriteLine($"  sudo useradd {string.Join(' ', user.CreateArguments)}");
        foreach (var directory in created)
        {
            output.WriteLine($"  sudo chown {user.Name} {SystemCommand.Shell(directory)}");
        }

        foreach (var directory in existing)
        {
            output.WriteLine($"Warning: {directory} existed before the install; once {user.Name} exists, make sure it can write there (sudo chown -R {user.Name} {SystemCommand.Shell(directory)}), or the jobs writing there would fail.");
        }

        return null;
    }
}
