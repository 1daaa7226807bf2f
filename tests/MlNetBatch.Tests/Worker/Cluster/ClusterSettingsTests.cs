using MlNetBatch.Tests.Support;
using MlNetBatch.Tests.Worker.Operations;

namespace MlNetBatch.Tests.Worker.Cluster;

/// <summary>Bad cluster settings are one line each naming the setting, for every command, without a database.</summary>
[Collection(InProcessWorkerHostCollection.Name)]
public class ClusterSettingsTests
{
    [Theory]
    [InlineData("validate")]
    [InlineData("cluster", "status")]
    public async Task A_cluster_value_that_does_not_convert_is_reported_with_its_path_not_as_an_unexpected_exception(params string[] command)
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "job");
        settings["MlNetBatch:Cluster:Enabled"] = "yes";

        var (exit, output) = await OperationsJobs.InvokeAsync(settings, command);

        Assert.Equal(1, exit);
        Assert.Contains("MlNetBatch:Cluster:Enabled", output);
        Assert.DoesNotContain("unexpected", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Cluster_status_checks_its_settings_before_it_queries_the_database()
    {
        using var dir = new TempDirectory();
        var settings = OperationsJobs.Settings(dir, "job");
        settings["MlNetBatch:Cluster:Enabled"] = "true";
        settings["MlNetBatch:Cluster:TablePrefix"] = "qrtz; drop table x; --";
        settings["MlNetBatch:Cluster:ConnectionStringEnvironmentVariable"] = "MLNETBATCH_TEST_NO_SUCH_VARIABLE";

        var (exit, output) = await OperationsJobs.InvokeAsync(settings, "cluster", "status");

        Assert.Equal(1, exit);
        Assert.Contains("MlNetBatch:Cluster:TablePrefix: 'qrtz; drop table x; --' is not a table-name prefix", output);
        Assert.Contains("no connection string was found: set the environment variable MLNETBATCH_TEST_NO_SUCH_VARIABLE", output);
        Assert.DoesNotContain("   at ", output);
    }
}
