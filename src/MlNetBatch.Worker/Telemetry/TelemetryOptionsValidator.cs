using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.Telemetry;

/// <summary>Checks <see cref="TelemetryOptions"/>, each problem with its configuration path.</summary>
/// <param name="section">The section the options were bound from, checked for unknown keys and unconvertible values; none when null.</param>
public sealed class TelemetryOptionsValidator(IConfigurationSection? section = null) : IValidateOptions<TelemetryOptions>
{
    private const string Otlp = $"{TelemetryOptions.SectionName}:Otlp";
    private const string Prometheus = $"{TelemetryOptions.SectionName}:Prometheus";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = StrictBinding.Problems<TelemetryOptions>(section).ToList();
        if (options.Otlp.Endpoint is { } endpoint && !IsHttpUri(endpoint))
        {
            failures.Add($"{Otlp}:Endpoint: '{endpoint}' is not an http:// or https:// address (e.g. http://localhost:4317).");
        }

        if (options.Otlp.ExportInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Otlp}:ExportInterval: {options.Otlp.ExportInterval} must be positive.");
        }

        var prometheus = options.Prometheus;
        if (prometheus.Port is { } port && port is < 1 or > 65535)
        {
            failures.Add($"{Prometheus}:Port: {port} is not a TCP port (1-65535).");
        }

        if (string.IsNullOrWhiteSpace(prometheus.Host))
        {
            failures.Add($"{Prometheus}:Host: an address is required (127.0.0.1 by default).");
        }
        else if (!prometheus.AllowNonLoopback && !IsLoopback(prometheus.Host))
        {
            failures.Add($"{Prometheus}:Host: '{prometheus.Host}' is not a loopback address; the endpoint has no authentication, so set {Prometheus}:AllowNonLoopback to true to expose it anyway.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether <paramref name="host"/> names this machine's loopback interface only.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool IsHttpUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
