using Microsoft.Extensions.Options;

namespace MlNetBatch.Worker.History;

/// <summary>Checks <see cref="StateDirectoryOptions"/>, with the configuration key.</summary>
public sealed class StateDirectoryOptionsValidator : IValidateOptions<StateDirectoryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StateDirectoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.StateDirectory is { Length: > 0 } directory && directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0
            ? ValidateOptionsResult.Fail($"{StateDirectoryOptions.Key}: '{directory}' is not a usable directory path.")
            : ValidateOptionsResult.Success;
    }
}
