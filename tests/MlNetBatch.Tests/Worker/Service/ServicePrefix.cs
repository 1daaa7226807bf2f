using System.Text.Json.Nodes;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Worker.Service;

/// <summary>
/// A published worker's folder as <c>service install</c> expects it: an executable <c>MlNetBatch.Worker</c> (a copy of
/// <c>/bin/true</c>, so that <c>systemd-analyze verify</c> finds a real program) and an <c>appsettings.json</c>.
/// </summary>
internal sealed class ServicePrefix : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ServicePrefix(JsonObject appsettings)
    {
        Directory.CreateDirectory(Prefix);
        Directory.CreateDirectory(Units);
        File.Copy("/bin/true", Executable);
        File.WriteAllText(Path.Combine(Prefix, "appsettings.json"), appsettings.ToJsonString());
    }

    public string Prefix => _dir.Combine("opt mlnetbatch");

    public string Executable => Path.Combine(Prefix, "MlNetBatch.Worker");

    public string Units => _dir.Combine("units");

    public string UnitFile => Path.Combine(Units, "mlnetbatch.service");

    public string Combine(params string[] parts) => _dir.Combine(parts);

    /// <summary>The unit's values of <paramref name="key"/>, in order.</summary>
    public IReadOnlyList<string> Values(string key) => File.ReadAllLines(UnitFile)
        .Where(l => l.StartsWith(key + "=", StringComparison.Ordinal))
        .Select(l => l[(key.Length + 1)..])
        .ToList();

    public void Dispose() => _dir.Dispose();
}
