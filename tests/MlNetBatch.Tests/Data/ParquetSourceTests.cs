using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Storage;
using MlNetBatch.Tests.Support;
using Parquet.Schema;

namespace MlNetBatch.Tests.Data;

public class ParquetSourceTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public async Task Reads_every_row_of_several_files_and_row_groups_with_values_and_types()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("a.parquet"), 0, 250, 100, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("b.parquet"), 250, 130, 50, seed: 2);

        var view = _ml.Data.LoadFromParquet(dir.Path + "/*.parquet");

        Assert.Equal(NumberDataViewType.Int64, view.Schema["id"].Type);
        Assert.Equal(NumberDataViewType.Single, view.Schema["f07"].Type);
        // The row groups of each small file are one partition; one row group each when asked.
        Assert.Equal(2, (await view.Source.GetPartitionsAsync()).Count);
        var oneRowGroupEach = _ml.Data.LoadFromParquet(dir.Path + "/*.parquet", new DataSourceOptions { RowGroupsPerPartition = 1 });
        Assert.Equal(3 + 3, (await oneRowGroupEach.Source.GetPartitionsAsync()).Count);
        Assert.Equal(Enumerable.Range(0, 380).Select(i => (long)i), DataViewReader.Column<long>(oneRowGroupEach, "id"));
        Assert.Equal(380, view.GetRowCount());
        Assert.Equal(Enumerable.Range(0, 380).Select(i => (long)i), DataViewReader.Column<long>(view, "id"));

        // The values equal what Parquet.Net itself reads from the file.
        var expected = await ReadFloatsAsync(dir.Combine("b.parquet"), "f07");
        Assert.Equal(expected, DataViewReader.Column<float>(view, "f07").Skip(250));
    }

    [Fact]
    public async Task Reading_one_column_fetches_the_footer_and_that_column_not_the_whole_file()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("wide.parquet"), 0, 20_000, 5_000, seed: 3);
        var size = new FileInfo(dir.Combine("wide.parquet")).Length;
        var counting = new CountingObjectStore(new LocalObjectStore());
        var view = _ml.Data.LoadFrom(dir.Combine("wide.parquet"), DataFormatKind.Parquet, null, new ObjectStoreResolver([counting]));
        var planning = counting.BytesRead;

        Assert.Equal(20_000, DataViewReader.Column<float>(view, "f03").Count);

        // One float column of seventeen, plus footers: far less than the file.
        var reading = counting.BytesRead - planning;
        Assert.InRange(reading, 1, size / 5);
        Assert.True(planning < size / 10, $"planning read {planning} of {size} bytes");
    }

    [Fact]
    public async Task Over_a_ranged_stream_reading_one_column_fetches_the_footer_and_that_columns_chunks()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("wide.parquet"), 0, 100_000, 25_000, seed: 4);
        var size = new FileInfo(dir.Combine("wide.parquet")).Length;
        // Blocks smaller than a column chunk, as with a large file on S3: chunk reads go straight to range requests.
        var store = new RangedLocalObjectStore(blockSize: 16 << 10);
        var view = _ml.Data.LoadFrom(dir.Combine("wide.parquet"), DataFormatKind.Parquet, null, new ObjectStoreResolver([store]));
        var planning = store.BytesFetched;
        var planningRequests = store.Requests;

        Assert.Equal(100_000, DataViewReader.Column<float>(view, "f11").Count);

        // One float column of seventeen (a seventeenth of the data, a little less as the id column is wider), plus a
        // footer read for each of the four partitions.
        var reading = store.BytesFetched - planning;
        Assert.InRange(reading, size / 20, (size / 17) + (4 * (32 << 10)));
        // Per partition, a request or two for the footer and one for the column chunk, not one per Arrow buffer.
        Assert.InRange(store.Requests - planningRequests, 4, 12);
    }

    [Fact]
    public async Task Parallel_cursors_cover_every_row_exactly_once()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("a.parquet"), 0, 1000, 90, seed: 1);
        await TabularData.WriteParquetAsync(dir.Combine("b.parquet"), 1000, 777, 100, seed: 2);
        var view = _ml.Data.LoadFromParquet(dir.Path);

        var cursors = view.GetRowCursorSet([view.Schema["id"]], 4);
        Assert.True(cursors.Length > 1);
        var ids = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(cursors.Select(cursor => Task.Run(() =>
        {
            using (cursor)
            {
                var getter = cursor.GetGetter<long>(view.Schema["id"]);
                long id = 0;
                while (cursor.MoveNext())
                {
                    getter(ref id);
                    ids.Add(id);
                }
            }
        })));

        Assert.Equal(Enumerable.Range(0, 1777).Select(i => (long)i), ids.Order());
    }

    [Fact]
    public async Task List_columns_become_fixed_size_vectors()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("v.parquet");
        var field = new ListField("vec", new DataField<float>("element"));
        var schema = new ParquetSchema(new DataField<long>("id"), field);
        await using (var stream = File.Create(path))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(schema, stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(schema.DataFields[0], new long[] { 1, 2 }, null, null, default);
            var leaf = (DataField)field.Item;
            await group.WriteAllPartsAsync<float>(leaf, new float[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 2, 2, 2, 2, 2 }, new[] { 0, 1, 1, 0, 1, 1 }, default);
            group.CompleteValidate();
        }

        var view = _ml.Data.LoadFromParquet(path);

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), view.Schema["vec"].Type);
        var vectors = DataViewReader.Vectors(view, "vec");
        Assert.Equal(new float[] { 1, 2, 3 }, vectors[0]);
        Assert.Equal(new float[] { 4, 5, 6 }, vectors[1]);
    }

    [Fact]
    public async Task Null_floats_become_NaN_and_null_integers_are_an_error_naming_file_column_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("nulls.parquet");
        await ParquetFiles.WriteAsync(path, 10,
            new ParquetFiles.Column(new DataField<float?>("x"), new float?[] { 1, null, 3 }),
            new ParquetFiles.Column(new DataField<long?>("n"), new long?[] { 1, 2, null }));

        var view = _ml.Data.LoadFromParquet(path);

        var x = DataViewReader.Column<float>(view, "x");
        Assert.Equal(1, x[0]);
        Assert.True(float.IsNaN(x[1]));
        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<long>(view, "n"));
        Assert.Contains("nulls.parquet", error.Message);
        Assert.Contains("'n'", error.Message);
        Assert.Equal(2, error.Row);
        Assert.Contains("null value", error.Message);
    }

    [Fact]
    public async Task A_file_missing_a_column_of_the_schema_is_an_error_naming_file_and_column()
    {
        using var dir = new TempDirectory();
        await TabularData.WriteParquetAsync(dir.Combine("a.parquet"), 0, 10, 10, seed: 1);
        await ParquetFiles.WriteAsync(dir.Combine("b.parquet"), 10,
            new ParquetFiles.Column(new DataField<long>("id"), new long[] { 99 }));

        var view = _ml.Data.LoadFromParquet(dir.Path + "/*.parquet");

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<float>(view, "f03"));
        Assert.Contains("b.parquet", error.Message);
        Assert.Equal("f03", error.Column);
        Assert.Contains("no such column", error.Message);
    }

    [Fact]
    public async Task A_text_column_declared_as_a_number_is_a_type_mismatch()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("t.parquet");
        await ParquetFiles.WriteAsync(path, 10, new ParquetFiles.Column(new DataField<string>("x"), new[] { "a", "b" }));
        var options = new DataSourceOptions { Columns = new() { ["x"] = "float" } };

        var view = _ml.Data.LoadFromParquet(path, options);

        var error = Assert.Throws<DataFormatException>(() => DataViewReader.Column<float>(view, "x"));
        Assert.Contains("type mismatch", error.Message);
        Assert.Contains("t.parquet", error.Message);
    }

    [Fact]
    public async Task An_explicit_schema_converts_numbers_and_reads_only_its_columns()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("c.parquet");
        await ParquetFiles.WriteAsync(path, 10,
            new ParquetFiles.Column(new DataField<int>("a"), new[] { 1, 2, 3 }),
            new ParquetFiles.Column(new DataField<double>("b"), new[] { 1.5, 2.5, 3.5 }));
        var options = new DataSourceOptions { Columns = new() { ["b"] = "float", ["a"] = "long" } };

        var view = _ml.Data.LoadFromParquet(path, options);

        Assert.Equal(2, view.Schema.Count);
        Assert.Equal([1L, 2, 3], DataViewReader.Column<long>(view, "a"));
        Assert.Equal([1.5f, 2.5f, 3.5f], DataViewReader.Column<float>(view, "b"));
    }

    [Fact]
    public async Task Strings_are_read_as_text()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("s.parquet");
        await ParquetFiles.WriteAsync(path, 2, new ParquetFiles.Column(new DataField<string>("name"), new[] { "alpha", "beta", "gamma" }));

        var view = _ml.Data.LoadFromParquet(path);

        Assert.Equal(["alpha", "beta", "gamma"], DataViewReader.Text(view, "name"));
    }

    [Fact]
    public async Task A_corrupt_file_is_reported_with_its_name()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("broken.parquet");
        await File.WriteAllBytesAsync(path, "PAR1 this is not really parquet"u8.ToArray());

        var error = Assert.Throws<DataFormatException>(() => _ml.Data.LoadFromParquet(path));

        Assert.Contains("broken.parquet", error.Message);
        Assert.Contains("not a readable Parquet file", error.Message);
    }

    [Fact]
    public async Task A_truncated_file_is_reported_with_its_name()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("cut.parquet");
        await TabularData.WriteParquetAsync(path, 0, 100, 50, seed: 1);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<DataFormatException>(() => _ml.Data.LoadFromParquet(path));

        Assert.Contains("cut.parquet", error.Message);
    }

    [Fact]
    public void A_path_that_matches_nothing_names_the_path()
    {
        var error = Assert.Throws<StorageException>(() => _ml.Data.LoadFromParquet("/nonexistent/dir/*.parquet"));
        Assert.Contains("/nonexistent/dir/*.parquet", error.Message);
    }

    private static async Task<List<float>> ReadFloatsAsync(string path, string column)
    {
        await using var reader = await Parquet.ParquetReader.CreateAsync(path);
        var field = reader.Schema.DataFields.Single(f => f.Name == column);
        var values = new List<float>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var buffer = new float[group.RowCount];
            await group.ReadAsync<float>(field, buffer, null, default);
            values.AddRange(buffer);
        }

        return values;
    }
}

public class NumericConversionTests
{
    [Fact]
    public void Numbers_convert_checked_between_types_and_incompatible_types_refuse()
    {
        Assert.Equal(3.0f, MlNetBatch.Data.NumericConversion.Convert<int, float>(3));
        Assert.Equal(7L, MlNetBatch.Data.NumericConversion.Convert<short, long>(7));
        Assert.Equal(1.0, MlNetBatch.Data.NumericConversion.Convert<bool, double>(true));
        Assert.True(MlNetBatch.Data.NumericConversion.Convert<long, bool>(5));
        Assert.Throws<OverflowException>(() => MlNetBatch.Data.NumericConversion.Convert<long, int>(long.MaxValue));
        Assert.Throws<InvalidCastException>(() => MlNetBatch.Data.NumericConversion.Convert<DateTime, float>(DateTime.UnixEpoch));
    }
}
