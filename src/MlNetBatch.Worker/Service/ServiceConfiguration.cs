using Microsoft.Extensions.Configuration;
using MlNetBatch.Worker.Hosting;

namespace MlNetBatch.Worker.Service;

/// <summary>
/// The configuration the installed service will read: the prefix's <c>appsettings.json</c> and
/// <c>appsettings.Production.json</c> (the unit sets <c>DOTNET_ENVIRONMENT=Production</c>), then the <c>--config</c>
/// file. The installing shell's environment variables are left out: the service gets its own from the unit and its
/// environment file.
/// </summary>
internal static class ServiceConfiguration
{
    /// <summary>The environment the generated units run the worker in.</summary>
    public const string Environment = "Production";

    /// <summary>Loads the configuration as the service started in <paramref name="prefix"/> will see it.</summary>
    public static IConfiguration Load(string prefix, string? configFile)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(prefix, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(prefix, $"appsettings.{Environment}.json"), optional: true, reloadOnChange: false);
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new FileNotFoundException($"The configuration file '{configFile}' does not exist.", configFile);
            }

            builder.AddJobConfigFile(configFile);
        }

        return builder.Build();
    }
}
