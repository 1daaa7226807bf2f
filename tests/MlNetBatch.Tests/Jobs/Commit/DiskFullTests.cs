using Microsoft.Extensions.Logging;
using MlNetBatch.Jobs;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

public class DiskFullTests
{
    [TmpfsFact]
    public async Task A_full_disk_fails_once_with_the_free_space_and_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 3000);
        var job = OutputOwnershipTests.CsvJob(dir.Combine("in", "*.csv"), dir);
        job.Execution.PartitionRetries = 2;
        var logs = new ListLoggerFactory();
        using var disk = TmpfsMount.Create(dir.Combine("out"), kilobytes: 48);

        var error = await Assert.ThrowsAsync<JobFailedException>(
            () => new JobRunner(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path), logs).RunAsync("full", job));

        Assert.Contains("Job 'full'", error.Message);
        Assert.Contains("no space left on the device", error.Message);
        Assert.Contains("free there", error.Message);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("transient failure", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.csv", SearchOption.AllDirectories));
    }

    [TmpfsFact]
    public async Task A_manifest_that_cannot_be_written_for_lack_of_space_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        using var disk = TmpfsMount.Create(dir.Combine("out"), kilobytes: 4);
        // Fill the disk, then try to write a manifest-sized object through the store.
        await Assert.ThrowsAnyAsync<IOException>(() => File.WriteAllBytesAsync(dir.Combine("out", "filler"), new byte[8192]));
        var store = new LocalObjectStore();

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await using var write = await store.CreateAsync(ObjectLocation.Local(dir.Combine("out", "_manifest.json")));
            await write.Stream.WriteAsync(new byte[100_000]);
            await write.CommitAsync();
        });

        Assert.Contains("no space left on the device", error.Message);
        Assert.False(TransientFailures.IsTransient(error));
        Assert.Empty(Directory.GetFiles(dir.Combine("out"), "*.inprogress"));
    }

    private sealed class ListLoggerFactory : ILoggerFactory, ILogger
    {
        public List<string> Messages { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add(formatter(state, exception));
            }
        }
    }
}

public class DiskFullRecognitionTests
{
    [LinuxTheory]
    [InlineData(28, true)]
    [InlineData(122, true)]
    [InlineData(39, false)]
    [InlineData(5, false)]
    public void Only_no_space_and_quota_codes_are_a_full_disk_on_linux(int errno, bool full)
    {
        // A full disk is permanent; any other I/O error may pass (ENOTEMPTY, 39, was once taken for Windows' 0x27).
        Assert.Equal(!full, TransientFailures.IsTransient(new IOException("failed", errno)));
    }
}
