using MlNetBatch.Jobs;
using MlNetBatch.Testing.Images;
using MlNetBatch.Tests.Support;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>
/// Reruns of an image job after its folder changed: a partition is a run of files, and a rerun must resume it only
/// when every one of its files is as it was, so that the output holds each image now in the folder exactly once,
/// scored from its current content. Ten images in partitions of four: img-00000..03, 04..07, 08..09.
/// </summary>
public class ImageRerunTests
{
    private const int Images = 10;
    private const int FilesPerPartition = 4;

    [Fact]
    public async Task Deleting_an_image_in_the_middle_of_a_partition_rescores_it_and_every_other_image_stays_once()
    {
        using var dir = new TempDirectory();
        var paths = ImageFolders.WriteScenes(dir.Combine("in"), Images, ImageJobTests.Side, ImageJobTests.Side);
        await FirstRunAsync(dir);

        File.Delete(paths[5]);
        var rerun = await ImageJobTests.Runner(dir).RunAsync("images", Job(dir));

        // Partition 0 is untouched; partition 1 keeps its id and first file but lost a file; partition 2 starts a file later.
        Assert.Equal(1, rerun.ResumedPartitions);
        Assert.Equal(Images - 1 - FilesPerPartition, rerun.RowsOut);
        AssertOutputIsTheFolder(dir);
        Assert.DoesNotContain(paths[5], ImageJobTests.Outputs(dir.Combine("out")).Keys);
    }

    [Fact]
    public async Task Replacing_an_image_in_the_middle_of_a_partition_rescores_that_partition_only()
    {
        using var dir = new TempDirectory();
        var paths = ImageFolders.WriteScenes(dir.Combine("in"), Images, ImageJobTests.Side, ImageJobTests.Side);
        var written = await FirstRunAsync(dir);
        var before = ImageJobTests.Outputs(dir.Combine("out"))[paths[5]];

        // New pixels of the same encoded length, so that only the file's version tag tells the change.
        var length = new FileInfo(paths[5]).Length;
        var replacement = Enumerable.Range(100, 500).Select(seed => Encode(seed)).FirstOrDefault(bytes => bytes.Length == length);
        Assert.NotNull(replacement);
        File.WriteAllBytes(paths[5], replacement);
        File.SetLastWriteTimeUtc(paths[5], DateTime.UtcNow.AddMinutes(1));
        var rerun = await ImageJobTests.Runner(dir).RunAsync("images", Job(dir));

        Assert.Equal(2, rerun.ResumedPartitions);
        Assert.Equal(FilesPerPartition, rerun.RowsOut);
        AssertOutputIsTheFolder(dir);
        Assert.NotEqual(before, ImageJobTests.Outputs(dir.Combine("out"))[paths[5]]);
        var rewritten = OutputWrites(dir).Where(w => written[w.Key] != w.Value).Select(w => w.Key).ToList();
        Assert.Single(rewritten);
    }

    [Fact]
    public async Task Adding_an_image_in_the_middle_of_a_partition_writes_every_image_once()
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Combine("in"), Images, ImageJobTests.Side, ImageJobTests.Side);
        await FirstRunAsync(dir);

        // Lists between img-00005.png and img-00006.png: partition 1 keeps its id and first file, and img-00007 moves to partition 2.
        File.WriteAllBytes(dir.Combine("in", "img-00005a.png"), Encode(77));
        var rerun = await ImageJobTests.Runner(dir).RunAsync("images", Job(dir));

        Assert.Equal(1, rerun.ResumedPartitions);
        Assert.Equal(Images + 1 - FilesPerPartition, rerun.RowsOut);
        AssertOutputIsTheFolder(dir);
    }

    [Fact]
    public async Task A_rerun_over_unchanged_images_resumes_every_partition_and_rewrites_nothing()
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Combine("in"), Images, ImageJobTests.Side, ImageJobTests.Side);
        var written = await FirstRunAsync(dir);

        var rerun = await ImageJobTests.Runner(dir).RunAsync("images", Job(dir));

        Assert.Equal(3, rerun.Partitions);
        Assert.Equal(3, rerun.ResumedPartitions);
        Assert.Equal(0, rerun.RowsOut);
        Assert.Equal(written, OutputWrites(dir));
        AssertOutputIsTheFolder(dir);
    }

    [Fact]
    public async Task Changing_the_files_per_partition_rescores_the_regrouped_partitions_and_writes_every_image_once()
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Combine("in"), Images, ImageJobTests.Side, ImageJobTests.Side);
        await FirstRunAsync(dir);

        // img-00000..01 now: a new id whose output name is the one img-00000..03 wrote before.
        var job = Job(dir);
        job.Source.FilesPerPartition = 2;
        var rerun = await ImageJobTests.Runner(dir).RunAsync("images", job);

        Assert.Equal(0, rerun.ResumedPartitions);
        Assert.Equal(Images, rerun.RowsOut);
        AssertOutputIsTheFolder(dir);
        Assert.Equal(5, OutputWrites(dir).Count);
    }

    /// <summary>Runs the job once over the folder; returns each output file's last write time.</summary>
    private static async Task<Dictionary<string, DateTime>> FirstRunAsync(TempDirectory dir)
    {
        var first = await ImageJobTests.Runner(dir).RunAsync("images", Job(dir));
        Assert.Equal(3, first.Partitions);
        Assert.Equal(Images, first.RowsOut);
        return OutputWrites(dir);
    }

    /// <summary>Every image in the folder has one row, holding the tensor of its current pixels, and no other row exists.</summary>
    private static void AssertOutputIsTheFolder(TempDirectory dir)
    {
        // Outputs builds a dictionary by path, so a path written twice fails here.
        var scored = ImageJobTests.Outputs(dir.Combine("out"));
        var images = Directory.GetFiles(dir.Combine("in"), "*.png").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(images, scored.Keys.Order(StringComparer.Ordinal));
        Assert.All(images, path => Assert.Equal(ImageJobTests.Tensor(path), scored[path]));
    }

    private static Dictionary<string, DateTime> OutputWrites(TempDirectory dir) =>
        Directory.GetFiles(dir.Combine("out"), "*.parquet").ToDictionary(f => f, File.GetLastWriteTimeUtc, StringComparer.Ordinal);

    private static byte[] Encode(int seed)
    {
        using var scene = GeneratedImages.Scene(ImageJobTests.Side, ImageJobTests.Side, seed);
        return GeneratedImages.Encode(scene, SKEncodedImageFormat.Png, 90);
    }

    private static JobDefinition Job(TempDirectory dir)
    {
        var job = ImageJobTests.Job(dir, FilesPerPartition);
        job.Execution.Parallelism = 1;
        return job;
    }
}
