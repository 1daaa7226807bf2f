namespace MlNetBatch.Worker.Service;

/// <summary>
/// The Windows service of the worker, as <c>sc.exe</c> commands: created with a delayed automatic start under its
/// virtual account (or a given one), restarted on failure, and with an Application event-log source. The directories
/// the jobs write are granted to the service's account with <c>icacls</c>, as the systemd unit's <c>ReadWritePaths=</c>
/// does. <c>config/install-mlnetbatch.ps1</c> does the same from PowerShell.
/// </summary>
/// <param name="Prefix">The folder the worker was published to.</param>
/// <param name="ConfigFile">The <c>--config</c> file, when the service reads one.</param>
/// <param name="Account">The account the service runs as; null for its virtual account <c>NT SERVICE\MlNetBatch</c>.</param>
/// <param name="WritableDirectories">The directories the jobs write.</param>
internal sealed record WindowsServiceCommands(string Prefix, string? ConfigFile, string? Account, IReadOnlyList<string> WritableDirectories)
{
    /// <summary>The service's name, as the worker's <c>AddWindowsService</c> sets it; also the event-log source.</summary>
    public const string ServiceName = "MlNetBatch";

    /// <summary>The service's virtual account: it needs no password and holds only what it is granted.</summary>
    public const string VirtualAccount = $@"NT SERVICE\{ServiceName}";

    /// <summary>Restart after 5 s, again after 5 s, then after a minute; the count resets after a day without failure.</summary>
    public const string FailureActions = "restart/5000/restart/5000/restart/60000";

    /// <summary>The published worker.</summary>
    public string Executable => Prefix.TrimEnd('\\') + @"\MlNetBatch.Worker.exe";

    /// <summary>The service's command line, as stored in the service's ImagePath: the executable quoted, as Windows requires for a path with spaces.</summary>
    public string BinaryPath => ConfigFile is null
        ? $"\"{Executable}\""
        : $"\"{Executable}\" --config {WindowsCommandLine.Quote(ConfigFile)}";

    /// <summary>The install commands, in order.</summary>
    public IReadOnlyList<WindowsCommandLine> Install()
    {
        var account = Account ?? VirtualAccount;
        var commands = new List<WindowsCommandLine>
        {
            // sc.exe wants each "name=" as its own argument and the value as the next one: "binPath= value".
            new("sc.exe", ["create", ServiceName, "binPath=", BinaryPath, "start=", "delayed-auto", "obj=", account, "DisplayName=", "MlNetBatch batch inference worker"]),
            new("sc.exe", ["description", ServiceName, "Runs the MlNetBatch batch-inference jobs on their schedules."]),
            new("sc.exe", ["failure", ServiceName, "reset=", "86400", "actions=", FailureActions]),
            // Without the flag the actions follow only a crash; with it also an exit with a failure code, as Restart=on-failure.
            new("sc.exe", ["failureflag", ServiceName, "1"]),
            new("powershell.exe", ["-NoProfile", "-Command", EventSourceScript]),
        };
        foreach (var directory in WritableDirectories)
        {
            commands.Add(new("icacls.exe", [directory, "/grant", $"{account}:(OI)(CI)M"]));
        }

        commands.Add(new("sc.exe", ["start", ServiceName]));
        return commands;
    }

    /// <summary>The uninstall commands, in order: stop, delete, and the event-log source.</summary>
    public IReadOnlyList<WindowsCommandLine> Uninstall() =>
    [
        new("sc.exe", ["stop", ServiceName]),
        new("sc.exe", ["delete", ServiceName]),
        new("powershell.exe", ["-NoProfile", "-Command", $"if ([System.Diagnostics.EventLog]::SourceExists('{ServiceName}')) {{ [System.Diagnostics.EventLog]::DeleteEventSource('{ServiceName}') }}"]),
    ];

    /// <summary>
    /// Registers the source in the Application log; the service records its starts, stops and failures there.
    /// <c>New-EventLog</c> exists only in Windows PowerShell 5.1, the .NET call in every PowerShell.
    /// </summary>
    private static string EventSourceScript =>
        $"if (-not [System.Diagnostics.EventLog]::SourceExists('{ServiceName}')) {{ [System.Diagnostics.EventLog]::CreateEventSource('{ServiceName}', 'Application') }}";
}
