namespace MlNetBatch.Worker.Service;

/// <summary>
/// The dedicated system account the systemd unit runs as (<c>User=</c>): whether it exists, the command that creates it,
/// and whether it can write a directory, asked of the system itself (groups, ACLs and the folders above included).
/// </summary>
/// <param name="Name">The account's name.</param>
internal sealed record SystemdServiceUser(string Name)
{
    /// <summary>The account <c>service install --systemd</c> runs the worker as unless told otherwise.</summary>
    public const string DefaultName = "mlnetbatch";

    /// <summary>A system account without a home or a login shell: it only runs the service.</summary>
    public IReadOnlyList<string> CreateArguments => ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Name];

    /// <summary>Whether the account exists.</summary>
    public bool Exists() => SystemCommand.Succeeds("id", ["-u", Name]);

    /// <summary>Whether the account may create files in <paramref name="directory"/> (asked as that account: needs root).</summary>
    public bool CanWrite(string directory) => SystemCommand.Succeeds("runuser", ["-u", Name, "--", "test", "-w", directory]);

    /// <summary>The one line that says the account cannot write <paramref name="directory"/>, and how to let it.</summary>
    public string NotWritable(string directory) =>
        $"Warning: {directory} is not writable by {Name}, the service's user, so the jobs writing there would fail; fix: sudo chown -R {Name} {SystemCommand.Shell(directory)} (or sudo setfacl -m u:{Name}:rwx {SystemCommand.Shell(directory)}).";
}
