using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Scoring.MlNet;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Worker;

[Collection(InProcessWorkerHostCollection.Name)]
public class ModelKindCommandTests
{
    [Fact]
    public async Task Plan_prints_an_MlNet_models_inputs_and_outputs()
    {
        using var dir = new TempDirectory();
        var (_, model) = MlNetModelJobTests.TrainAndSave(dir, await MlNetModelJobTests.WriteInputAsync(dir));
        var output = new StringWriter();

        var exit = await Invoke(MlNetJob(dir, model), output, "plan", "prices");

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("Model prices.zip (MlNet) inputs:\n  Features float[16] <- column 'Features'\n  Label float <- not in the data", text.ReplaceLineEndings("\n"));
        Assert.Contains("Model outputs:\n  Score float -> column 'Score'\n", text.ReplaceLineEndings("\n"));
        Assert.Contains("Output columns: id, Score", text);
    }

    [Fact]
    public async Task Plan_of_the_tesseract_function_names_the_image_column_it_needs()
    {
        using var dir = new TempDirectory();
        await MlNetModelJobTests.WriteInputAsync(dir);
        var settings = MlNetJob(dir, "unused");
        settings.Remove("MlNetBatch:Jobs:prices:Model:ModelPath");
        settings["MlNetBatch:Jobs:prices:Model:Kind"] = "Function";
        settings["MlNetBatch:Jobs:prices:Model:Name"] = "tesseract";
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "plan", "prices");

        Assert.NotEqual(0, exit);
        Assert.Contains("Job 'prices': Batch model 'tesseract' needs input column 'bytes' (byte[]), which the data does not have (it has id, f00,", output.ToString());
    }

    [Fact]
    public async Task Validate_loads_each_kind_of_model_and_the_configuration_check_names_an_unregistered_function()
    {
        using var dir = new TempDirectory();
        var (_, model) = MlNetModelJobTests.TrainAndSave(dir, await MlNetModelJobTests.WriteInputAsync(dir));
        var settings = MlNetJob(dir, model);
        settings["MlNetBatch:Jobs:ocr:Source:Path"] = dir.Combine("in", "*.parquet");
        settings["MlNetBatch:Jobs:ocr:Model:Kind"] = "Function";
        settings["MlNetBatch:Jobs:ocr:Model:Name"] = "tesseract";
        settings["MlNetBatch:Jobs:ocr:Sink:Path"] = dir.Combine("ocr");
        var output = new StringWriter();

        var exit = await Invoke(settings, output, "validate");

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("prices: ok (ML.NET model prices.zip, saved with columns Features float[16], Label float)", text);
        Assert.Contains("ocr: ok (batch model tesseract)", text);

        settings["MlNetBatch:Jobs:ocr:Model:Name"] = "tesseract5";
        var typo = new StringWriter();
        Assert.NotEqual(0, await Invoke(settings, typo, "validate"));
        Assert.Contains("MlNetBatch:Jobs:ocr:Model:Name: no batch model is registered as 'tesseract5' (registered: tesseract).", typo.ToString());
    }

    private static Dictionary<string, string?> MlNetJob(TempDirectory dir, string model)
    {
        var prefix = "MlNetBatch:Jobs:prices:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "Source:Path"] = dir.Combine("in", "*.parquet"),
            [prefix + "Preprocess:0:Transform"] = "Concatenate",
            [prefix + "Preprocess:0:OutputColumn"] = "Features",
            [prefix + "Model:Kind"] = "MlNet",
            [prefix + "Model:ModelPath"] = model,
            [prefix + "Sink:Path"] = dir.Combine("out"),
            [prefix + "Sink:Columns:0"] = "id",
            [prefix + "Sink:Columns:1"] = "Score",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        for (var i = 0; i < TabularData.FeatureColumns.Count; i++)
        {
            settings[prefix + $"Preprocess:0:InputColumns:{i}"] = TabularData.FeatureColumns[i];
        }

        return settings;
    }

    private static Task<int> Invoke(Dictionary<string, string?> settings, StringWriter output, params string[] args) =>
        WorkerCommandLine.Create(JobConfiguration.With(settings), output).Parse(args).InvokeAsync();
}
