using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using MlNetBatch.Worker.Cli;

namespace MlNetBatch.Tests.Worker;

[Collection(InProcessWorkerHostCollection.Name)]
public class FailureReportTests
{
    [Fact]
    public void An_unexpected_exception_is_one_line_with_the_job_its_type_and_its_message()
    {
        var line = FailureReport.Describe(Thrown(new NotSupportedException("first line\nsecond line")), "nightly");

        Assert.Equal("Job 'nightly': unexpected NotSupportedException: first line second line (set Serilog:MinimumLevel:Default to Debug for the details)", line);
    }

    [Fact]
    public void A_file_system_failure_names_the_job_the_cause_and_the_jobs_paths()
    {
        var job = new JobDefinition { Source = new SourceDefinition { Path = "in/*.csv" }, Sink = new SinkDefinition { Path = "/sys/out" } };
        var denied = new UnauthorizedAccessException("Access to the path '/sys/out' is denied.", new IOException("Operation not permitted"));

        var line = FailureReport.Describe(Thrown(denied), "nightly", job);

        Assert.Equal("Job 'nightly': Access to the path '/sys/out' is denied. (Operation not permitted) (source 'in/*.csv', sink '/sys/out')", line);
    }

    [Fact]
    public void A_library_failure_is_its_message_prefixed_with_the_job_unless_it_names_the_job_itself()
    {
        var storage = new StorageException(ObjectLocation.Parse("s3://b/k"), "access denied");

        Assert.Equal("Job 'nightly': s3://b/k: access denied", FailureReport.Describe(new AggregateException(storage), "nightly"));
        Assert.Equal("Job 'nightly': broken", FailureReport.Describe(new JobFailedException("nightly", "broken"), "nightly"));
    }

    [Fact]
    public void One_configuration_problem_is_one_line_and_several_are_listed_one_per_line()
    {
        var one = new OptionsValidationException("", typeof(MlNetBatchOptions), ["MlNetBatch:Jobs:a:Sink:Path: is required."]);
        var two = new OptionsValidationException("", typeof(MlNetBatchOptions), ["p: one", "q: two"]);

        Assert.Equal("The configuration is invalid: MlNetBatch:Jobs:a:Sink:Path: is required.", FailureReport.Describe(one));
        Assert.Equal($"The configuration is invalid:{Environment.NewLine}  p: one{Environment.NewLine}  q: two", FailureReport.Describe(two));
    }

    [Theory]
    [InlineData("run", "j")]
    [InlineData("validate")]
    [InlineData("plan", "j")]
    [InlineData("list")]
    [InlineData]
    public async Task Any_exception_escaping_a_command_is_one_line_and_exit_code_1(params string[] command)
    {
        var output = new StringWriter();
        var root = WorkerCommandLine.Create(_ => throw new InvalidCastException("nobody expected this"), output);

        var exit = await root.Parse(command).InvokeAsync(new() { EnableDefaultExceptionHandler = false }).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(WorkerCommandLine.Failed, exit);
        Assert.Equal("unexpected InvalidCastException: nobody expected this (set Serilog:MinimumLevel:Default to Debug for the details)", output.ToString().Trim());
    }

    /// <summary>A thrown exception, with a stack trace that must not reach the line.</summary>
    private static Exception Thrown(Exception e)
    {
        try
        {
            throw e;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}
