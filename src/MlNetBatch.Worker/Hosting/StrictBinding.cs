using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Options bound as far as their section converts, and checked at start by one validator that reports the
/// section's unknown keys and unconvertible values (with <see cref="StrictConfiguration"/>) with its own rules. The
/// binder would instead throw at the first bad value, in its own words, as the options are first read.
/// </summary>
internal static class StrictBinding
{
    /// <summary>Registers <typeparamref name="TOptions"/> bound from <paramref name="section"/>, validated at start by <paramref name="validator"/>.</summary>
    public static OptionsBuilder<TOptions> AddStrictOptions<TOptions>(this IServiceCollection services, IConfigurationSection section, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton(validator));
        return services.AddOptions<TOptions>()
            .Configure(options => TryBind(section, options))
            .ValidateOnStart();
    }

    /// <summary>The section's problems as <typeparamref name="TOptions"/>, each with its path.</summary>
    public static IReadOnlyList<string> Problems<TOptions>(IConfigurationSection? section) =>
        section is null ? [] : StrictConfiguration.Check(section, typeof(TOptions));

    /// <summary>The section read as <typeparamref name="TOptions"/> while registering services, as far as it converts.</summary>
    public static TOptions Read<TOptions>(IConfigurationSection section)
        where TOptions : new()
    {
        var options = new TOptions();
        TryBind(section, options);
        return options;
    }

    /// <summary>Binds what converts; the binder stops at the first value that does not, which the validator reports with its path.</summary>
    private static void TryBind(IConfigurationSection section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException)
        {
            // Reported by the options' validator, with every other problem of the section.
        }
    }
}
