using Microsoft.Extensions.Options;

namespace MlNetBatch.Storage;

/// <summary>Runs a store's options validator outside dependency injection, so that code and configuration get the same message.</summary>
public static class StorageOptionsCheck
{
    /// <summary>Returns <paramref name="options"/> when <paramref name="validator"/> accepts them; otherwise throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static TOptions Validated<TOptions>(TOptions options, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(validator);
        var result = validator.Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures) : options;
    }
}
