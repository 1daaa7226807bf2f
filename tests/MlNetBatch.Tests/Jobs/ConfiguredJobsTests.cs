using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Scheduling;

namespace MlNetBatch.Tests.Jobs;

/// <summary>The jobs checked one by one give the same messages as the whole options' validation, split by job.</summary>
public class ConfiguredJobsTests
{
    [Fact]
    public void Each_job_is_checked_alone_with_the_same_messages_as_the_whole_options()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>();
        Add(settings, "good", RepositoryPaths.SampleModel, dir.Combine("good-out"));
        // A missing model file (the engine's rule) and a bad schedule (the worker's).
        Add(settings, "missing", dir.Combine("nope.onnx"), dir.Combine("missing-out"));
        settings["MlNetBatch:Jobs:missing:Schedule"] = "0 0 25 * * ?";
        // A misspelt key and a value the binder cannot convert: the binder leaves this job out.
        Add(settings, "unbound", RepositoryPaths.SampleModel, dir.Combine("unbound-out"));
        settings["MlNetBatch:Jobs:unbound:Sourse:Path"] = "x";
        settings["MlNetBatch:Jobs:unbound:Execution:Parallelism"] = "many";
        using var host = Build(settings);

        var jobs = host.Services.GetRequiredService<ConfiguredJobs>().Read();
        var whole = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value).Failures;

        Assert.Equal(["good"], jobs.Valid.Keys);
        Assert.Equal(["missing", "unbound"], jobs.Invalid.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(jobs.SharedProblems);
        Assert.Equal(whole.Order(StringComparer.Ordinal), jobs.Invalid.Values.SelectMany(p => p).Order(StringComparer.Ordinal));
        Assert.All(jobs.Invalid["missing"], p => Assert.StartsWith("MlNetBatch:Jobs:missing:", p, StringComparison.Ordinal));
        Assert.Contains(jobs.Invalid["missing"], p => p.Contains("nope.onnx", StringComparison.Ordinal));
        Assert.Contains(jobs.Invalid["missing"], p => p.Contains("is not a valid cron expression", StringComparison.Ordinal));
        Assert.Contains(jobs.Invalid["unbound"], p => p.Contains("Sourse", StringComparison.Ordinal));
    }

    [Fact]
    public void A_job_edited_in_configuration_is_read_as_it_is_now()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?>();
        Add(settings, "good", RepositoryPaths.SampleModel, dir.Combine("good-out"));
        using var host = Build(settings);
        var configured = host.Services.GetRequiredService<ConfiguredJobs>();
        Assert.Empty(configured.Read().Invalid);

        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration["MlNetBatch:Jobs:good:Schedule"] = "0 0 25 * * ?";

        Assert.Equal(["good"], configured.Read().Invalid.Keys);
    }

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("config/jobs.example.json")]
    [InlineData("config/taxi.json")]
    public void The_shipped_job_definitions_write_to_the_same_JSON_each_time_as_the_service_compares_them_across_edits(string file)
    {
        var jobs = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, file)).Build()
            .GetSection(MlNetBatchOptions.SectionName).Get<MlNetBatchOptions>()!.Jobs;
        var again = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, file)).Build()
            .GetSection(MlNetBatchOptions.SectionName).Get<MlNetBatchOptions>()!.Jobs;

        Assert.NotEmpty(jobs);
        Assert.All(jobs, j => Assert.Equal(System.Text.Json.JsonSerializer.Serialize(j.Value), System.Text.Json.JsonSerializer.Serialize(again[j.Key])));
    }

    private static void Add(Dictionary<string, string?> settings, string name, string model, string sink)
    {
        settings[$"MlNetBatch:Jobs:{name}:Source:Path"] = "in/*.parquet";
        settings[$"MlNetBatch:Jobs:{name}:Model:ModelPath"] = model;
        settings[$"MlNetBatch:Jobs:{name}:Sink:Path"] = sink;
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        builder.Services.AddSingleton<IValidateOptions<MlNetBatchOptions>, CronScheduleValidator>();
        return builder.Build();
    }
}
