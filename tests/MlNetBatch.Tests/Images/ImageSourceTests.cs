using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Formats.Images;
using MlNetBatch.Storage;
using MlNetBatch.Testing.Images;
using MlNetBatch.Tests.Support;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>The Images source: one row per image file, partitioned by listing order, fetched with bounded bytes in flight.</summary>
public class ImageSourceTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Every_image_file_is_one_row_with_its_path_and_bytes_and_other_files_are_left_out()
    {
        using var dir = new TempDirectory();
        var names = new[] { "plain.png", "two.dots.in.name.jpg", "with space.jpeg", "ünïcødé 画像.png", "UPPER.JPG", "sub/dir/deep.webp", "picture.bmp" };
        var expected = new Dictionary<string, byte[]>();
        for (var i = 0; i < names.Length; i++)
        {
            using var scene = GeneratedImages.Scene(8, 6, seed: i);
            var format = Path.GetExtension(names[i]).ToLowerInvariant() switch
            {
                ".png" => SKEncodedImageFormat.Png,
                ".webp" => SKEncodedImageFormat.Webp,
                _ => SKEncodedImageFormat.Jpeg,
            };
            var path = dir.Combine(names[i]);
            expected[path] = ImageFolders.Write(path, scene, format);
        }

        File.WriteAllText(dir.Combine("README.txt"), "not an image");
        File.WriteAllText(dir.Combine("labels.csv"), "a,b\n");

        var view = _ml.Data.LoadImages(dir.Path);

        Assert.Equal(["path", "bytes"], view.Schema.Select(c => c.Name));
        Assert.Equal(TextDataViewType.Instance, view.Schema["path"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Byte), view.Schema["bytes"].Type);
        var rows = ImageFolders.ByPath<byte>(view, "bytes");
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.Equal(e.Value, rows[e.Key]));
    }

    [Fact]
    public void A_glob_names_the_images_to_read()
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Path, 4);
        using (var scene = GeneratedImages.Scene(8, 6, seed: 1))
        {
            ImageFolders.Write(dir.Combine("other.jpg"), scene, SKEncodedImageFormat.Jpeg);
        }

        var view = _ml.Data.LoadImages(dir.Combine("*.png"));

        Assert.Equal(4, DataViewReader.Text(view, "path").Count);
        Assert.DoesNotContain(dir.Combine("other.jpg"), DataViewReader.Text(view, "path"));
    }

    [Fact]
    public async Task Partitions_are_runs_of_FilesPerPartition_files_in_listing_order_with_ids_that_stay_the_same()
    {
        using var dir = new TempDirectory();
        var paths = ImageFolders.WriteScenes(dir.Path, 10);
        var options = new DataSourceOptions { Format = DataFormatKind.Images, FilesPerPartition = 3 };

        var first = await (await PartitionedDataSource.OpenAsync(dir.Path, options)).GetPartitionsAsync();
        var again = await (await PartitionedDataSource.OpenAsync(dir.Path, options)).GetPartitionsAsync();

        Assert.Equal(["img-00000.png#files=0-2", "img-00003.png#files=3-5", "img-00006.png#files=6-8", "img-00009.png#files=9-9"], first.Select(p => p.Id));
        Assert.Equal(first.Select(p => (p.Id, p.OutputName)), again.Select(p => (p.Id, p.OutputName)));
        Assert.Equal(paths, first.SelectMany(p => p.Files).Select(f => f.Location.LocalPath));
        Assert.All(first, p => Assert.Equal(PartitionKind.Files, p.Kind));
        Assert.Equal([3L, 3, 3, 1], first.Select(p => p.RowCount!.Value));
        Assert.Equal(first.Count, first.Select(p => p.OutputName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Any_file_count_partition_size_and_chunk_size_gives_each_image_exactly_once()
    {
        var random = new Random(13);
        using var dir = new TempDirectory();
        var all = ImageFolders.WriteScenes(dir.Path, 40, width: 3, height: 2);
        var bytes = all.ToDictionary(p => p, File.ReadAllBytes);
        for (var trial = 0; trial < 25; trial++)
        {
            var count = random.Next(1, 41);
            var folder = dir.Combine($"trial-{trial}");
            Directory.CreateDirectory(folder);
            foreach (var path in all.Take(count))
            {
                File.Copy(path, Path.Combine(folder, Path.GetFileName(path)));
            }

            var options = new DataSourceOptions { FilesPerPartition = random.Next(1, 12), ChunkRows = random.Next(1, 9), FetchConcurrency = random.Next(1, 6), MaxBytesInFlight = random.Next(1, 4000) };
            var view = _ml.Data.LoadImages(folder, options);
            var rows = new List<(string Path, byte[] Bytes)>();
            foreach (var cursor in view.GetRowCursorSet(view.Schema, random.Next(1, 5)))
            {
                using (cursor)
                {
                    var path = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["path"]);
                    var content = cursor.GetGetter<VBuffer<byte>>(view.Schema["bytes"]);
                    ReadOnlyMemory<char> name = default;
                    VBuffer<byte> value = default;
                    while (cursor.MoveNext())
                    {
                        path(ref name);
                        content(ref value);
                        rows.Add((name.ToString(), value.DenseValues().ToArray()));
                    }
                }
            }

            var names = rows.Select(r => Path.GetFileName(r.Path)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(all.Take(count).Select(Path.GetFileName), names);
            Assert.All(rows, r => Assert.Equal(bytes[Path.Combine(dir.Path, Path.GetFileName(r.Path))], r.Bytes));
        }
    }

    [Theory]
    [InlineData(4, 1_000_000)]
    [InlineData(16, 2_500)]
    [InlineData(1, 1_000_000)]
    public async Task Fetching_keeps_within_the_concurrency_and_the_bytes_in_flight(int concurrency, long maxBytes)
    {
        using var dir = new TempDirectory();
        ImageFolders.WriteScenes(dir.Path, 30, width: 20, height: 20);
        var store = new ConcurrencyRecordingStore(new LocalObjectStore());
        var files = new List<ObjectInfo>();
        foreach (var path in Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal))
        {
            files.Add(await store.StatAsync(ObjectLocation.Local(path)));
        }

        var largest = files.Max(f => f.Size);

        var seen = new List<string>();
        await foreach (var fetched in FileFetcher.FetchAsync(store, files, concurrency, maxBytes, CancellationToken.None))
        {
            Assert.Equal(File.ReadAllBytes(fetched.File.Location.LocalPath), fetched.Buffer.AsSpan(0, fetched.Length).ToArray());
            seen.Add(fetched.File.Location.LocalPath);
            await Task.Delay(1);
        }

        Assert.Equal(files.Select(f => f.Location.LocalPath), seen);
        Assert.InRange(store.MostOpen, 1, concurrency);
        Assert.InRange(store.MostOpenBytes, 1, Math.Max(maxBytes, largest));
        if (concurrency > 1 && maxBytes > 30 * largest)
        {
            // The bounds are not met by reading one file at a time.
            Assert.True(store.MostOpen > 1, "no two files were ever read at once");
        }
    }

    [Fact]
    public void Invalid_image_source_settings_are_reported_together()
    {
        var options = new DataSourceOptions { FilesPerPartition = 0, FetchConcurrency = -1, MaxBytesInFlight = 0 };

        Assert.Equal(
            ["FilesPerPartition: must be greater than zero (got 0).", "FetchConcurrency: must be greater than zero (got -1).", "MaxBytesInFlight: must be greater than zero (got 0)."],
            DataSourceOptionsValidator.Problems(options));
    }

    [Fact]
    public void A_folder_without_images_is_an_error_that_says_so()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("notes.txt"), "x");

        var error = Assert.Throws<DataFormatException>(() => _ml.Data.LoadImages(dir.Path));

        Assert.Contains("no Images files found there", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Records the most reads open at once, and the most listed bytes they were reading.</summary>
    private sealed class ConcurrencyRecordingStore(IObjectStore inner) : ForwardingObjectStore(inner)
    {
        private readonly object _gate = new();
        private int _open;
        private long _openBytes;

        public int MostOpen { get; private set; }

        public long MostOpenBytes { get; private set; }

        public override async Task<Stream> OpenReadAsync(ObjectLocation location, ObjectInfo? expected = null, CancellationToken cancellationToken = default)
        {
            var size = expected?.Size ?? 0;
            lock (_gate)
            {
                _open++;
                _openBytes += size;
                MostOpen = Math.Max(MostOpen, _open);
                MostOpenBytes = Math.Max(MostOpenBytes, _openBytes);
            }

            // Long enough for reads to overlap when the fetcher allows it.
            await Task.Delay(5, cancellationToken);
            return new Closing(await Inner.OpenReadAsync(location, expected, cancellationToken), () =>
            {
                lock (_gate)
                {
                    _open--;
                    _openBytes -= size;
                }
            });
        }

        private sealed class Closing(Stream inner, Action closed) : ForwardingReadStream(inner)
        {
            private int _closed;

            protected override void Dispose(bool disposing)
            {
                if (Interlocked.Exchange(ref _closed, 1) == 0)
                {
                    closed();
                }

                base.Dispose(disposing);
            }

            public override ValueTask DisposeAsync()
            {
                if (Interlocked.Exchange(ref _closed, 1) == 0)
                {
                    closed();
                }

                return base.DisposeAsync();
            }
        }
    }
}
