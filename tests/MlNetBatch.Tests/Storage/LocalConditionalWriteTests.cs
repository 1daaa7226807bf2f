using System.Diagnostics;
using MlNetBatch.Storage;
using MlNetBatch.Testing.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Storage;

/// <summary>The local store's conditional writes between processes, and the lock they take.</summary>
public sealed class LocalConditionalWriteTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Processes_incrementing_one_counter_by_compare_and_swap_lose_no_increment()
    {
        const int Writers = 4;
        const int Increments = 40;
        var counter = _dir.Combine("counter.txt");
        var start = _dir.Combine("go");
        Assert.NotNull(await new LocalObjectStore().TryCreateNewAsync(ObjectLocation.Local(counter), "0"u8.ToArray()));
        var writers = Enumerable.Range(0, Writers).Select(_ => StartWriter(counter, start, Increments)).ToList();
        try
        {
            foreach (var writer in writers)
            {
                Assert.Equal("ready", await writer.StandardOutput.ReadLineAsync());
            }

            await File.WriteAllTextAsync(start, string.Empty);
            var lost = 0;
            foreach (var writer in writers)
            {
                var line = await writer.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
                Assert.StartsWith("lost ", line);
                lost += int.Parse(line!["lost ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                await writer.WaitForExitAsync();
                Assert.Equal(0, writer.ExitCode);
            }

            // Two winners of one version would have written the same number twice: the total would fall short.
            Assert.Equal((Writers * Increments).ToString(System.Globalization.CultureInfo.InvariantCulture), await File.ReadAllTextAsync(counter));
            Assert.True(lost > 0, "the writers never raced; the test proved nothing");
            Assert.Equal(["counter.txt", "go"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var writer in writers.Where(w => !w.HasExited))
            {
                writer.Kill();
            }

            writers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task A_lock_left_by_a_dead_process_is_broken_and_a_fresh_one_is_waited_for()
    {
        var store = new LocalObjectStore();
        var location = ObjectLocation.Local(_dir.Combine("_lease.json"));
        var version = await store.TryCreateNewAsync(location, "one"u8.ToArray());
        var lockFile = location.LocalPath + ".lock" + LocalObjectStore.InProgressSuffix;

        // Left by a process that died holding it: old, and nobody holds it open.
        await File.WriteAllTextAsync(lockFile, string.Empty);
        File.SetLastWriteTimeUtc(lockFile, DateTime.UtcNow.AddMinutes(-1));
        var replaced = await store.TryReplaceAsync(location, "two"u8.ToArray(), version!);
        Assert.NotNull(replaced);
        Assert.False(File.Exists(lockFile));

        // Held now by a live writer: the replacement waits for it, and is never listed meanwhile.
        var held = new FileStream(lockFile, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var waiting = store.TryReplaceAsync(location, "three"u8.ToArray(), replaced);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        Assert.Equal([location], await ListAsync(store, ObjectLocation.Local(_dir.Path + "/")));
        File.Delete(lockFile);
        await held.DisposeAsync();
        Assert.NotNull(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("three"u8.ToArray(), await ObjectBytes.ReadAsync(store, location));
    }

    private static async Task<List<ObjectLocation>> ListAsync(IObjectStore store, ObjectLocation prefix)
    {
        var listed = new List<ObjectLocation>();
        await foreach (var info in store.ListAsync(prefix))
        {
            listed.Add(info.Location);
        }

        return listed;
    }

    private static Process StartWriter(string counter, string start, int increments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "MlNetBatch.RacingWriter.dll"), counter, start, increments.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
