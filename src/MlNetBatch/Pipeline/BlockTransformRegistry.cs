using System.Collections.Concurrent;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages;

namespace MlNetBatch.Pipeline;

/// <summary>
/// The block transforms jobs can name in their preprocessing, by name. <see cref="Default"/> holds MlNetBatch's own
/// (<c>Identity</c>, <c>Concatenate</c>); applications and the coming image, text and tabular stages add theirs.
/// </summary>
public sealed class BlockTransformRegistry
{
    private readonly ConcurrentDictionary<string, BlockTransformRegistration> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The registry jobs use.</summary>
    public static BlockTransformRegistry Default { get; } = CreateDefault();

    /// <summary>The registered names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _byName.Keys.Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Adds (or replaces) a transform under its name.</summary>
    public void Register(BlockTransformRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentException.ThrowIfNullOrWhiteSpace(registration.Name);
        _byName[registration.Name] = registration;
    }

    /// <summary>The transform registered as <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, out BlockTransformRegistration registration) => _byName.TryGetValue(name, out registration!);

    private static BlockTransformRegistry CreateDefault()
    {
        var registry = new BlockTransformRegistry();
        registry.Register(new BlockTransformRegistration("Identity", _ => new IdentityBlockTransform(), ValidateIdentity));
        // Its settings are the stock Concatenate's, checked with the stock transforms' rules.
        registry.Register(new BlockTransformRegistration("Concatenate", step => new ConcatenateBlockTransform(step.OutputColumn!, step.InputColumns)));
        foreach (var image in Stages.Images.ImageStepValidator.Registrations())
        {
            registry.Register(image);
        }

        return registry;
    }

    private static IEnumerable<string> ValidateIdentity(PreprocessStep step)
    {
        if (step.InputColumns.Count > 0 || step.OutputColumn is not null)
        {
            yield return "Identity passes blocks through unchanged; it takes no InputColumns or OutputColumn.";
        }
    }
}
