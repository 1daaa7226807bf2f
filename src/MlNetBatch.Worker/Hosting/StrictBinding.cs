using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Options bound only when their section converts cleanly, and checked at start by one validator that reports the
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
            .Configure(options =>
            {
                if (Problems<TOptions>(section).Count == 0)
                {
                    section.Bind(options);
                }
            })
            .ValidateOnStart();
    }

    /// <summary>The section's problems as <typeparamref name="TOptions"/>, each with its path.</summary>
    public static IReadOnlyList<string> Problems<TOptions>(IConfigurationSection? section) =>
        section is null ? [] : StrictConfiguration.Check(section, typeof(TOptions));

    /// <summary>The section read as <typeparamref name="TOptions"/> while registering services; the defaults when it does not convert.</summary>
    public static TOptions Read<TOptions>(IConfigurationSection section)
        where TOptions : new() =>
        Problems<TOptions>(section).Count == 0 ? section.Get<TOptions>() ?? new TOptions() : new TOptions();
}
