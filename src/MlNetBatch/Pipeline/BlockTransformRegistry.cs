using System.Collections.Concurrent;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages;
using MlNetBatch.Pipeline.Stages.Text;

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
        registry.Register(new BlockTransformRegistration("Tokenize", step => new TokenizeBlockTransform(step.OutputColumn!, step.InputColumns[0], step.Tokenizer!), ValidateTokenize));
        Stages.Tabular.TabularTransforms.RegisterTo(registry);
        foreach (var image in Stages.Images.ImageStepValidator.Registrations())
        {
            registry.Register(image);
        }

        return registry;
    }

    private static IEnumerable<string> ValidateTokenize(PreprocessStep step)
    {
        if (step.InputColumns.Count != 1 || string.IsNullOrWhiteSpace(step.OutputColumn))
        {
            yield return "Tokenize reads one text column (InputColumns) and writes its token ids to OutputColumn.";
        }

        foreach (var problem in TokenizerSettingsValidator.Problems(step.Tokenizer))
        {
            yield return problem;
        }

        foreach (var setting in step.StageSettingsGiven().Where(s => s != nameof(PreprocessStep.Tokenizer)))
        {
            yield return $"{setting}: Tokenize does not take this setting; its settings go under Tokenizer.";
        }
    }

    private static IEnumerable<string> ValidateIdentity(PreprocessStep step)
    {
        if (step.InputColumns.Count > 0 || step.OutputColumn is not null)
        {
            yield return "Identity passes blocks through unchanged; it takes no InputColumns or OutputColumn.";
        }
    }
}
