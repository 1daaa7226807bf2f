using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MlNetBatch.DependencyInjection;
using MlNetBatch.Jobs;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Pipeline.Tabular;

/// <summary>Bad tabular steps in configuration: every problem reported at start, each with its configuration path.</summary>
public class TabularConfigurationTests
{
    [Fact]
    public void Every_problem_of_the_tabular_steps_is_reported_with_its_path()
    {
        const string job = "MlNetBatch:Jobs:taxi:";
        var settings = Valid(job);
        Step(settings, job, 0, "OneHotEncoding", ("InputColumns:0", "a"), ("InputColumns:1", "b"), ("Vocabulary:0", "cash"), ("Vocabulary:1", ""), ("Vocabulary:2", "cash"), ("NumberOfBits", "4"));
        Step(settings, job, 1, "DateTimeParts", ("InputColumns:0", "pickup"), ("OutputColumn", "pickup"), ("TimeZone", "Mars/Olympus"));
        Step(settings, job, 2, "Filter", ("InputColumns:0", "fare"), ("OutputColumn", "kept"), ("LowerBound", "5"), ("UpperBound", "1"));
        Step(settings, job, 3, "Hashing", ("InputColumns:0", "vendor"), ("OutputColumn", "vendor_key"), ("NumberOfBits", "40"));
        Step(settings, job, 4, "ReplaceMissingValues", ("InputColumns:0", "fare"), ("Replacement", "Constant"));
        Step(settings, job, 5, "Expression", ("InputColumns:0", "fare"), ("OutputColumn", "double_fare"));
        Step(settings, job, 6, "MapValueToKey", ("InputColumns:0", "vendor"), ("OutputColumn", "vendor_id"), ("MaximumKeys", "0"));
        using var host = Build(settings);

        var failures = Failures(host);

        Assert.Equal(
        [
            $"{job}Preprocess:0: InputColumns: OneHotEncoding reads exactly one column; it lists 2. Use one step per column.",
            $"{job}Preprocess:0: OutputColumn: OneHotEncoding needs the name of the column it creates.",
            $"{job}Preprocess:0: NumberOfBits: OneHotEncoding does not take this setting; remove it.",
            $"{job}Preprocess:0: Vocabulary:1: an empty term is a missing value, which always maps to key 0.",
            $"{job}Preprocess:0: Vocabulary:2: 'cash' is listed twice.",
            $"{job}Preprocess:1: Parts: list at least one of Year, Month, Day, Hour, Minute, Second, DayOfWeek, UnixTime.",
            $"{job}Preprocess:1: TimeZone: unknown time zone 'Mars/Olympus'; use an IANA id such as 'America/New_York' or 'UTC'.",
            $"{job}Preprocess:2: OutputColumn: Filter adds no column; remove it.",
            $"{job}Preprocess:2: LowerBound: must be less than UpperBound (got 5 and 1).",
            $"{job}Preprocess:3: NumberOfBits: must be from 1 to 31 (got 40).",
            $"{job}Preprocess:4: ReplacementValue: the Constant replacement needs the constant.",
            $"{job}Preprocess:5: Expression needs Expression, an ML.NET expression such as '(a, b) => a / b'.",
            $"{job}Preprocess:6: MaximumKeys: must be greater than zero (got 0).",
        ], failures.Where(f => f.Contains(":Preprocess:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Unknown_parts_and_misspelt_settings_are_reported_with_their_paths()
    {
        const string job = "MlNetBatch:Jobs:taxi:";
        var settings = Valid(job);
        Step(settings, job, 0, "DateTimeParts", ("InputColumns:0", "pickup"), ("OutputColumn", "pickup"), ("Parts:0", "Hour"), ("Parts:1", "Hours"));
        Step(settings, job, 1, "OneHotEncoding", ("InputColumns:0", "payment"), ("OutputColumn", "p"), ("Vocabulary", "cash"), ("Vocabulery:0", "card"));
        Step(settings, job, 2, "ReplaceMissingValues", ("InputColumns:0", "fare"), ("Replacement", "Median"));
        using var host = Build(settings);

        var failures = Failures(host);

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.StartsWith($"{job}Preprocess:0:Parts:1: 'Hours' is not ", StringComparison.Ordinal));
        Assert.Contains($"{job}Preprocess:1:Vocabulery: unknown setting 'Vocabulery'; did you mean 'Vocabulary'?", failures);
        Assert.Contains($"{job}Preprocess:1:Vocabulary: expects a section of settings, not the value 'cash'.", failures);
        Assert.Contains(failures, f => f.StartsWith($"{job}Preprocess:2:Replacement: 'Median' is not ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_tabular_job_starts()
    {
        const string job = "MlNetBatch:Jobs:taxi:";
        var settings = Valid(job);
        Step(settings, job, 0, "DateTimeParts", ("InputColumns:0", "pickup"), ("OutputColumn", "pickup"), ("Parts:0", "Hour"), ("Format", "yyyy-MM-dd HH:mm:ss"), ("TimeZone", "America/New_York"));
        Step(settings, job, 1, "OneHotEncoding", ("InputColumns:0", "payment"), ("OutputColumn", "p"), ("Vocabulary:0", "cash"), ("Vocabulary:1", "card"));
        Step(settings, job, 2, "ReplaceMissingValues", ("InputColumns:0", "fare"), ("Replacement", "Constant"), ("ReplacementValue", "-1"));
        Step(settings, job, 3, "Filter", ("InputColumns:0", "fare"), ("LowerBound", "0"));
        using var host = Build(settings);

        var options = host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value;

        var steps = options.Jobs["taxi"].Preprocess;
        Assert.Equal(["cash", "card"], steps[1].Vocabulary!);
        Assert.Equal(-1, steps[2].ReplacementValue);
        Assert.Equal(0, steps[3].LowerBound);
    }

    private static Dictionary<string, string?> Valid(string job) => new()
    {
        [job + "Source:Path"] = RepositoryPaths.SampleData + "/*.parquet",
        [job + "Model:ModelPath"] = RepositoryPaths.SampleModel,
        [job + "Sink:Path"] = Path.Combine(Path.GetTempPath(), "mlnb-tabular-config-out"),
    };

    private static void Step(Dictionary<string, string?> settings, string job, int index, string transform, params (string Key, string Value)[] values)
    {
        settings[$"{job}Preprocess:{index}:Transform"] = transform;
        foreach (var (key, value) in values)
        {
            settings[$"{job}Preprocess:{index}:{key}"] = value;
        }
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMlNetBatch(builder.Configuration.GetSection("MlNetBatch"));
        return builder.Build();
    }

    private static List<string> Failures(IHost host) =>
        Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<MlNetBatchOptions>>().Value).Failures.ToList();
}
