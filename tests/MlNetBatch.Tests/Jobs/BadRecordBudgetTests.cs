using MlNetBatch.Data.BadRecords;
using MlNetBatch.Jobs;

namespace MlNetBatch.Tests.Jobs;

public class BadRecordBudgetTests
{
    private static readonly BadRecord Bad = new("in.csv", "p1", 3, 10, "x", "cannot parse", "oops");

    [Fact]
    public void Bad_rows_of_a_partition_still_running_do_not_count_against_the_rows_committed_so_far()
    {
        var budget = new BadRecordBudget("job", new ExecutionOptions { MaxBadRecordRatio = 0.02 });

        // Partition 2 (2,000 rows, 30 bad: 1.5 %) reports its bad rows while partition 1 (1,000 clean rows) commits.
        for (var i = 0; i < 30; i++)
        {
            budget.Add(Bad);
        }

        budget.CommitRows(1_000, 0);
        budget.CommitRows(2_000, 30);
        budget.Finish();

        Assert.Equal(30, budget.BadRows);
    }

    [Fact]
    public void Committed_partitions_over_the_ratio_fail_early_and_the_job_over_it_fails_at_the_end()
    {
        var early = new BadRecordBudget("job", new ExecutionOptions { MaxBadRecordRatio = 0.02 });
        for (var i = 0; i < 30; i++)
        {
            early.Add(Bad);
        }

        var error = Assert.Throws<BadRecordLimitExceededException>(() => early.CommitRows(1_000, 30));
        Assert.Contains("30 bad rows exceed", error.Message);

        var late = new BadRecordBudget("job", new ExecutionOptions { MaxBadRecordRatio = 0.02 });
        for (var i = 0; i < 5; i++)
        {
            late.Add(Bad);
        }

        late.CommitRows(100, 5);
        Assert.Throws<BadRecordLimitExceededException>(late.Finish);
    }
}
