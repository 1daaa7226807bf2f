using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Pipeline.Stages.Text;

namespace MlNetBatch.Tests.Jobs;

/// <summary>A setting that belongs to another kind of step is refused with its name, never silently ignored.</summary>
public class StepSettingsTests
{
    [Fact]
    public void Tokenize_refuses_tabular_and_image_settings()
    {
        var step = new PreprocessStep
        {
            Transform = "Tokenize", InputColumns = ["text"], OutputColumn = "ids",
            Tokenizer = new TokenizerSettings { Vocabulary = "vocab.txt" }, Vocabulary = ["a"], Image = new ImageStepSettings(),
        };

        Assert.Equal(
            ["Vocabulary: Tokenize does not take this setting; its settings go under Tokenizer.", "Image: Tokenize does not take this setting; its settings go under Tokenizer."],
            PreprocessPipelineBuilder.Validate(step));
    }

    [Fact]
    public void Tabular_and_image_steps_refuse_a_Tokenizer_section()
    {
        var tokenizer = new TokenizerSettings { Vocabulary = "vocab.txt" };
        var hashing = new PreprocessStep { Transform = "Hashing", InputColumns = ["a"], OutputColumn = "h", Tokenizer = tokenizer };
        var decode = new PreprocessStep { Transform = "DecodeImage", InputColumns = ["bytes"], OutputColumn = "image", Tokenizer = tokenizer };

        Assert.Contains("Tokenizer: Hashing does not take this setting; remove it.", PreprocessPipelineBuilder.Validate(hashing));
        Assert.Contains("Tokenizer: DecodeImage does not take this setting; its settings go under Image.", PreprocessPipelineBuilder.Validate(decode));
    }
}
