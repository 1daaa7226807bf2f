using MlNetBatch.Data;
using MlNetBatch.Jobs;
using MlNetBatch.Jobs.Commit;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Jobs.Commit;

/// <summary>Output file names are one per partition, and the job deletes or overwrites only what it wrote.</summary>
public class OutputOwnershipTests
{
    [Fact]
    public async Task Inputs_whose_names_differ_only_after_a_dot_keep_every_row()
    {
        using var dir = new TempDirectory();
        for (var month = 1; month <= 3; month++)
        {
            await CsvInputs.WriteAsync(dir.Combine("in", $"sales-2024.0{month}.csv"), month * 1000, 1000, seed: month);
        }

        var job = CsvJob(dir.Combine("in", "*.csv"), dir);

        var first = await Runner(dir).RunAsync("dots", job);
        var second = await Runner(dir).RunAsync("dots", job);

        Assert.Equal(3000, first.RowsOut);
        Assert.Equal(3, Directory.GetFiles(dir.Combine("out"), "*.csv").Length);
        Assert.Equal(Enumerable.Range(1000, 3000).Select(i => (long)i), CsvInputs.OutputIds(dir.Combine("out")).Order());
        Assert.Equal(3, second.ResumedPartitions);
        Assert.Equal(Enumerable.Range(1000, 3000).Select(i => (long)i), CsvInputs.OutputIds(dir.Combine("out")).Order());
    }

    [Fact]
    public async Task Inputs_whose_readable_names_are_alike_get_files_of_their_own()
    {
        using var dir = new TempDirectory();
        string[] names = ["y/a.csv", "y/a.b.csv", "y_a.csv", "my file.csv", "my_file.csv", "p/x.csv", "q/x.csv", "données.csv", "Données.csv", "#1 ?.csv"];
        for (var i = 0; i < names.Length; i++)
        {
            await CsvInputs.WriteAsync(dir.Combine("in", names[i]), i * 100, 100, seed: i);
        }

        var summary = await Runner(dir).RunAsync("alike", CsvJob(dir.Combine("in", "**", "*.csv"), dir));

        Assert.Equal(names.Length, summary.OutputFiles.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(Enumerable.Range(0, names.Length * 100).Select(i => (long)i), CsvInputs.OutputIds(dir.Combine("out")).Order());
    }

    [Fact]
    public void Output_names_are_distinct_for_every_distinct_relative_path()
    {
        // A property over generated names: dots, spaces, underscores, slashes, case and Unicode, the characters that
        // readable stems fold together.
        var random = new Random(20261201);
        const string alphabet = "ab._- /Éé日_.A";
        for (var round = 0; round < 200; round++)
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            while (paths.Count < 40)
            {
                var length = random.Next(1, 9);
                var name = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()).Trim('/');
                if (name.Length > 0 && !name.Contains("//", StringComparison.Ordinal))
                {
                    paths.Add(name + ".csv");
                }
            }

            var partitions = paths.Select((p, i) => new Partition(i, p, new ObjectInfo(ObjectLocation.Local("/in/" + p), 1, "e", DateTimeOffset.UnixEpoch),
                PartitionKind.WholeFile, 0, 1, null, PartitionOutputNames.ForChunk(PartitionOutputNames.StemFor(p), 0))).ToList();
            PartitionOutputNames.EnsureUnique(partitions);
            Assert.All(partitions, p => Assert.DoesNotMatch("^[_.]|[/\\\\ ]", p.OutputName));
        }
    }

    [Fact]
    public async Task A_sink_that_is_a_link_to_the_input_directory_is_refused_and_the_input_stays()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "part-00000.csv"), 0, 100);
        File.CreateSymbolicLink(dir.Combine("samelink"), dir.Combine("in"));
        var job = CsvJob(dir.Combine("in", "*.csv"), dir);
        job.Sink.Path = dir.Combine("samelink");

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("linked", job));

        Assert.Contains("contains the input file", error.Message);
        Assert.True(File.Exists(dir.Combine("in", "part-00000.csv")));
        Assert.Equal(["part-00000.csv"], Directory.GetFiles(dir.Combine("in")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_sink_inside_a_recursive_source_glob_is_refused_on_the_first_run()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("data", "a.csv"), 0, 100);
        var job = CsvJob(dir.Combine("data", "**", "*.csv"), dir);
        job.Sink.Path = dir.Combine("data", "scores");

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("nested", job));
        var planError = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).PlanAsync("nested", job));

        Assert.Contains("would read the job's own output", error.Message);
        Assert.Contains("would read the job's own output", planError.Message);
        Assert.False(Directory.Exists(dir.Combine("data", "scores")));
    }

    [Fact]
    public async Task A_sink_beside_a_non_recursive_glob_is_accepted()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("data", "a.csv"), 0, 100);
        var job = CsvJob(dir.Combine("data", "*.csv"), dir);
        job.Sink.Path = dir.Combine("data", "scores");

        Assert.Equal(100, (await Runner(dir).RunAsync("beside", job)).RowsOut);
        Assert.Equal(100, (await Runner(dir).RunAsync("beside", job, new JobRunOptions { Restart = true }, CancellationToken.None)).RowsOut);
    }

    [Fact]
    public async Task A_sink_path_that_is_a_file_is_refused_with_its_name()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 10);
        await File.WriteAllTextAsync(dir.Combine("out"), "not a directory");

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("file", CsvJob(dir.Combine("in", "*.csv"), dir)));

        Assert.Contains($"the sink path {dir.Combine("out")} is a file", error.Message);
        Assert.Equal("not a directory", await File.ReadAllTextAsync(dir.Combine("out")));
    }

    [Fact]
    public async Task A_renamed_unicode_input_replaces_its_old_output()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "données.csv"), 0, 500);
        var job = CsvJob(dir.Combine("in", "*.csv"), dir);
        await Runner(dir).RunAsync("renamed", job);

        File.Move(dir.Combine("in", "données.csv"), dir.Combine("in", "renamed.csv"));
        await Runner(dir).RunAsync("renamed", job);

        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), CsvInputs.OutputIds(dir.Combine("out")).Order());
        Assert.All(Directory.GetFiles(dir.Combine("out"), "*.csv"), f => Assert.StartsWith("renamed-", Path.GetFileName(f)));
    }

    [Fact]
    public async Task A_file_with_a_planned_name_that_the_job_did_not_write_is_never_overwritten()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 100);
        var job = CsvJob(dir.Combine("in", "*.csv"), dir);
        var output = (await Runner(dir).RunAsync("foreign", job)).OutputFiles.Single();
        // Without the manifest nothing proves the job wrote the file, so it is treated as somebody else's.
        File.Delete(dir.Combine("out", OutputCommitLog.ManifestName));
        await File.WriteAllTextAsync(output, "an operator's edit");

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("foreign", job));

        Assert.Contains("which this job did not write", error.Message);
        Assert.Contains(Path.GetFileName(output), error.Message);
        Assert.Equal("an operator's edit", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Outputs_of_a_changed_job_are_replaced_and_the_manifest_lists_every_file()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 100);
        await CsvInputs.WriteAsync(dir.Combine("in", "b.csv"), 100, 100);
        var job = CsvJob(dir.Combine("in", "*.csv"), dir);
        await Runner(dir).RunAsync("changed", job);

        // New sink columns: a fresh manifest, but the old files are still the job's to remove.
        File.Delete(dir.Combine("in", "b.csv"));
        job.Sink.Columns = ["id", "label"];
        await Runner(dir).RunAsync("changed", job);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), CsvInputs.OutputIds(dir.Combine("out")).Order());
        var manifest = System.Text.Json.JsonSerializer.Deserialize<JobManifest>(await File.ReadAllTextAsync(dir.Combine("out", OutputCommitLog.ManifestName)))!;
        Assert.Equal(Directory.GetFiles(dir.Combine("out"), "*.csv").Select(Path.GetFileName).Order(), manifest.Files.Where(f => f.EndsWith(".csv", StringComparison.Ordinal)));
    }

    internal static JobDefinition CsvJob(string source, TempDirectory dir)
    {
        var job = TabularJobs.Parquet(source, TestModels.Tabular(dir), dir.Combine("out"));
        job.Sink.Format = DataFormatKind.Csv;
        return job;
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}

public class SharedSinkTests
{
    [Fact]
    public async Task A_job_refuses_a_sink_that_holds_another_jobs_output_and_deletes_nothing()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("inA", "a.csv"), 0, 100);
        await CsvInputs.WriteAsync(dir.Combine("inB", "b.csv"), 100, 100);
        var first = await Runner(dir).RunAsync("A", OutputOwnershipTests.CsvJob(dir.Combine("inA", "*.csv"), dir));

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("B", OutputOwnershipTests.CsvJob(dir.Combine("inB", "*.csv"), dir)));

        Assert.Contains("holds the output of job 'A'", error.Message);
        Assert.Equal(first.OutputFiles, Directory.GetFiles(dir.Combine("out"), "*.csv"));
        Assert.True(File.Exists(dir.Combine("out", OutputCommitLog.SuccessName)));
    }

    [Theory]
    [InlineData("{\"spark\":true}", "that MlNetBatch did not write")]
    [InlineData("[1,2", "cannot be read")]
    public async Task A_manifest_the_job_cannot_trust_stops_the_run_and_is_left_as_it_is(string manifest, string expected)
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 10);
        Directory.CreateDirectory(dir.Combine("out"));
        await File.WriteAllTextAsync(dir.Combine("out", OutputCommitLog.ManifestName), manifest);

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("m", OutputOwnershipTests.CsvJob(dir.Combine("in", "*.csv"), dir)));

        Assert.Contains(expected, error.Message);
        Assert.Equal(manifest, await File.ReadAllTextAsync(dir.Combine("out", OutputCommitLog.ManifestName)));
    }

    [Fact]
    public async Task A_success_marker_no_manifest_explains_is_not_deleted()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 10);
        Directory.CreateDirectory(dir.Combine("out"));
        await File.WriteAllTextAsync(dir.Combine("out", OutputCommitLog.SuccessName), "somebody's marker");

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("s", OutputOwnershipTests.CsvJob(dir.Combine("in", "*.csv"), dir)));

        Assert.Contains("'_SUCCESS'", error.Message);
        Assert.Equal("somebody's marker", await File.ReadAllTextAsync(dir.Combine("out", OutputCommitLog.SuccessName)));
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}

public class OwnershipEdgeTests
{
    [Fact]
    public async Task A_crashed_write_of_an_output_whose_input_is_gone_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("in", "a.csv"), 0, 10);
        await CsvInputs.WriteAsync(dir.Combine("in", "b.csv"), 10, 10);
        var job = OutputOwnershipTests.CsvJob(dir.Combine("in", "*.csv"), dir);
        var outputs = (await Runner(dir).RunAsync("t", job)).OutputFiles;
        // What a crash between writing and renaming b's output leaves behind.
        var temporary = outputs.Single(f => Path.GetFileName(f).StartsWith("b-", StringComparison.Ordinal)) + ".0123456789abcdef0123456789abcdef.inprogress";
        await File.WriteAllTextAsync(temporary, "half a file");
        File.Delete(dir.Combine("in", "b.csv"));

        await Runner(dir).RunAsync("t", job);

        Assert.False(File.Exists(temporary));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), CsvInputs.OutputIds(dir.Combine("out")).Order());
    }

    [Fact]
    public async Task A_sink_a_recursive_glob_could_reach_is_refused_even_when_the_glob_filters_names()
    {
        using var dir = new TempDirectory();
        await CsvInputs.WriteAsync(dir.Combine("data", "a.csv"), 0, 10);
        var job = OutputOwnershipTests.CsvJob(dir.Combine("data", "**", "a*.csv"), dir);
        job.Sink.Path = dir.Combine("data", "scores");

        var error = await Assert.ThrowsAsync<JobFailedException>(() => Runner(dir).RunAsync("g", job));

        Assert.Contains("would read the job's own output", error.Message);
    }

    private static JobRunner Runner(TempDirectory dir) => new(ObjectStoreResolver.LocalOnly, new JobPaths(dir.Path));
}
