using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Samples;

public class ShippedFilesTests
{
    [Fact]
    public void The_committed_sample_model_is_what_the_generator_builds() =>
        Assert.Equal(TabularModel.Build(), File.ReadAllBytes(RepositoryPaths.SampleModel));

    [Fact]
    public void The_example_job_file_binds_and_fails_only_on_the_paths_this_machine_lacks()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "config", "jobs.example.json")).Build();
        var options = configuration.GetSection(MlNetBatchOptions.SectionName).Get<MlNetBatchOptions>()!;

        var result = new JobDefinitionValidator(new JobPaths(RepositoryPaths.Root)).Validate(null, options);

        var job = options.Jobs["nightly-csv"];
        Assert.Equal("churn_probability", job.Model.OutputColumns["probabilities"]);
        Assert.Equal(4, job.Execution.Parallelism);
        Assert.Equal(MisfirePolicy.DoNothing, job.Execution.Misfire);
        Assert.Equal(["MlNetBatch:Jobs:nightly-csv:Model:ModelPath: model file '/models/churn.onnx' does not exist."], result.Failures);
    }
}
