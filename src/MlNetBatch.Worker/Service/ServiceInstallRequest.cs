namespace MlNetBatch.Worker.Service;

/// <summary>What <c>service install</c> and <c>service uninstall</c> were asked to do.</summary>
/// <param name="Prefix">The folder the worker was published to, absolute.</param>
/// <param name="User">The account named with <c>--user</c>; null for the default (systemd: the dedicated <c>mlnetbatch</c>; Windows: the virtual account).</param>
/// <param name="ConfigFile">The <c>--config</c> file the service reads, absolute; null for none.</param>
/// <param name="Apply">Run the commands (<c>--enable</c>, <c>--disable</c>) instead of printing them.</param>
/// <param name="UnitDirectory">Where the systemd unit goes.</param>
/// <param name="DynamicUser">systemd's <c>DynamicUser=yes</c> instead of the dedicated user (<c>--dynamic-user</c>).</param>
internal sealed record ServiceInstallRequest(string Prefix, string? User, string? ConfigFile, bool Apply, string UnitDirectory, bool DynamicUser = false)
{
    /// <summary>The systemd unit's name.</summary>
    public const string UnitName = "mlnetbatch";

    /// <summary>Where units installed by the administrator live.</summary>
    public const string DefaultUnitDirectory = "/etc/systemd/system";

    /// <summary>The unit file.</summary>
    public string UnitFile => Path.Combine(UnitDirectory, $"{UnitName}.service");

    /// <summary>The link <c>systemctl enable</c> makes for the unit's <c>WantedBy=multi-user.target</c>.</summary>
    public string EnabledLink => Path.Combine(UnitDirectory, "multi-user.target.wants", $"{UnitName}.service");
}
