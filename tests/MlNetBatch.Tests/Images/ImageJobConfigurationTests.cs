using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlNetBatch.Data;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Pipeline.Stages.Images;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Images;

/// <summary>An image job as configuration binds it: <c>Source: { Format: Images }</c> and steps with an <c>Image</c> section, checked strictly.</summary>
public class ImageJobConfigurationTests
{
    [Fact]
    public void An_image_job_binds_from_configuration()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        using var provider = Services(Settings(dir));

        var job = provider.GetRequiredService<IOptions<MlNetBatchOptions>>().Value.Jobs["images"];

        Assert.Equal(DataFormatKind.Images, job.Source.Format);
        Assert.Equal(2, job.Source.FilesPerPartition);
        Assert.Equal(["DecodeImage", "Resize", "ConvertColor", "ToTensor"], job.Preprocess.Select(p => p.Transform));
        var resize = job.Preprocess[1].Image!;
        Assert.Equal((224, 200, ImageResizeMode.Pad, ImageInterpolation.Cubic), (resize.Width!.Value, resize.Height!.Value, resize.Mode!.Value, resize.Interpolation!.Value));
        Assert.Equal(ImageColor.Bgr, job.Preprocess[2].Image!.Color);
        var tensor = job.Preprocess[3].Image!.ToTensorOptions();
        Assert.Equal(ImageTensorLayout.Nhwc, tensor.Layout);
        Assert.Equal([0.5f, 0.25f, 0.125f], tensor.Mean);
        Assert.Equal([0.2f], tensor.Std);
    }

    [Fact]
    public void A_misspelt_or_misplaced_image_setting_fails_at_start_with_its_path()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("in"));
        var settings = Settings(dir);
        settings.Remove("MlNetBatch:Jobs:images:Preprocess:1:Image:Height");
        settings["MlNetBatch:Jobs:images:Preprocess:1:Image:Hieght"] = "200";
        settings["MlNetBatch:Jobs:images:Preprocess:3:Image:Width"] = "3";
        using var provider = Services(settings);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MlNetBatchOptions>>().Value);

        var all = string.Join("\n", error.Failures);
        Assert.Contains("Hieght", all, StringComparison.Ordinal);
        Assert.Contains("Resize needs Image:Height between 1 and 16384 pixels (got none).", all, StringComparison.Ordinal);
        Assert.Contains("ToTensor does not take Image:Width", all, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddMlNetBatch(configuration.GetSection("MlNetBatch")).BuildServiceProvider();
    }

    private static Dictionary<string, string?> Settings(TempDirectory dir)
    {
        const string job = "MlNetBatch:Jobs:images:";
        var model = dir.Combine("model.onnx");
        File.WriteAllBytes(model, []);
        return new Dictionary<string, string?>
        {
            [job + "Source:Path"] = dir.Combine("in"),
            [job + "Source:Format"] = "Images",
            [job + "Source:FilesPerPartition"] = "2",
            [job + "Preprocess:0:Transform"] = "DecodeImage",
            [job + "Preprocess:1:Transform"] = "Resize",
            [job + "Preprocess:1:InputColumns:0"] = "image",
            [job + "Preprocess:1:OutputColumn"] = "resized",
            [job + "Preprocess:1:Image:Width"] = "224",
            [job + "Preprocess:1:Image:Height"] = "200",
            [job + "Preprocess:1:Image:Mode"] = "Pad",
            [job + "Preprocess:1:Image:Interpolation"] = "Cubic",
            [job + "Preprocess:2:Transform"] = "ConvertColor",
            [job + "Preprocess:2:InputColumns:0"] = "resized",
            [job + "Preprocess:2:OutputColumn"] = "bgr",
            [job + "Preprocess:2:Image:Color"] = "Bgr",
            [job + "Preprocess:3:Transform"] = "ToTensor",
            [job + "Preprocess:3:InputColumns:0"] = "bgr",
            [job + "Preprocess:3:OutputColumn"] = "input",
            [job + "Preprocess:3:Image:Layout"] = "Nhwc",
            [job + "Preprocess:3:Image:Mean:0"] = "0.5",
            [job + "Preprocess:3:Image:Mean:1"] = "0.25",
            [job + "Preprocess:3:Image:Mean:2"] = "0.125",
            [job + "Preprocess:3:Image:Std:0"] = "0.2",
            [job + "Model:ModelPath"] = model,
            [job + "Model:Device"] = "Cpu",
            [job + "Sink:Path"] = dir.Combine("out"),
        };
    }
}
