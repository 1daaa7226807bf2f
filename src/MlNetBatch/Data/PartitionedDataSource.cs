using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data.BadRecords;
using MlNetBatch.Formats;
using MlNetBatch.Storage;

namespace MlNetBatch.Data;

/// <summary>
/// What a source reads: the files a path or glob names, their format, their schema, and (once planned) their partitions.
/// </summary>
public sealed class PartitionedDataSource
{
    private readonly Lazy<Task<IReadOnlyList<Partition>>> _partitions;

    // Shared by every cursor over this source (and the sources WithPartitions derives), so that a job reading
    // thousands of partitions reuses a few sets of column buffers instead of allocating them per partition.
    private readonly ConcurrentDictionary<string, RecordBatchPool> _pools;

    private PartitionedDataSource(
        string path, ObjectStoreResolver resolver, IDataFormat format, DataSourceOptions options,
        IReadOnlyList<ObjectInfo> files, IReadOnlyList<SourceColumn> columns, IReadOnlyList<Partition>? partitions,
        ConcurrentDictionary<string, RecordBatchPool>? pools = null, IBadRecordSink? badRecords = null, ReadStatistics? statistics = null)
    {
        BadRecords = badRecords;
        Statistics = statistics;
        _pools = pools ?? new ConcurrentDictionary<string, RecordBatchPool>();
        Path = path;
        Resolver = resolver;
        Format = format;
        Options = options;
        Files = files;
        Columns = columns;
        _partitions = partitions is null
            ? new Lazy<Task<IReadOnlyList<Partition>>>(() => PlanAsync(CancellationToken.None))
            : new Lazy<Task<IReadOnlyList<Partition>>>(Task.FromResult(partitions));
    }

    /// <summary>The path, directory or glob the source was opened with.</summary>
    public string Path { get; }

    /// <summary>Finds the store of each file.</summary>
    public ObjectStoreResolver Resolver { get; }

    /// <summary>The format of every file.</summary>
    public IDataFormat Format { get; }

    /// <summary>How files are read.</summary>
    public DataSourceOptions Options { get; }

    /// <summary>The files, in a stable order.</summary>
    public IReadOnlyList<ObjectInfo> Files { get; }

    /// <summary>
    /// Files of the source's format that a directory or glob matched but left out because a segment of their name
    /// starts with <c>_</c> or <c>.</c> (the Hadoop and Spark convention for hidden files). Name them explicitly to read them.
    /// </summary>
    public IReadOnlyList<ObjectInfo> HiddenFiles { get; private init; } = [];

    /// <summary>The columns served, from the explicit schema or inferred from the first file.</summary>
    public IReadOnlyList<SourceColumn> Columns { get; }

    /// <summary>Where unreadable rows go; when null (the default) an unreadable row fails the read.</summary>
    public IBadRecordSink? BadRecords { get; }

    /// <summary>Where missing values read as NaN are counted; null (the default) counts nothing.</summary>
    public ReadStatistics? Statistics { get; }

    /// <summary>
    /// Lists the files <paramref name="path"/> names and settles the schema. Reads only what schema inference needs
    /// (a Parquet footer, or a sample of the first text file); partitions are planned on first use.
    /// </summary>
    /// <param name="path">A path, directory, glob or URL.</param>
    /// <param name="options">How to read the files; the defaults when null.</param>
    /// <param name="resolver">The storage providers; the local file system when null.</param>
    /// <param name="formats">The formats that can be read; <see cref="DataFormatRegistry.Default"/> (the built-in ones) when null.</param>
    /// <param name="cancellationToken">Stops listing and schema inference.</param>
    public static Task<PartitionedDataSource> OpenAsync(
        string path, DataSourceOptions? options = null, ObjectStoreResolver? resolver = null, DataFormatRegistry? formats = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return OpenAsync([path], options, resolver, formats, cancellationToken);
    }

    /// <summary>
    /// Opens a source over several paths, directories, globs or URLs (for example a list of https:// files), read
    /// in the order given; an object named twice is read once.
    /// </summary>
    public static async Task<PartitionedDataSource> OpenAsync(
        IReadOnlyList<string> paths, DataSourceOptions? options = null, ObjectStoreResolver? resolver = null, DataFormatRegistry? formats = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0 || paths.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A source needs at least one path, and no path may be empty.", nameof(paths));
        }

        return await OpenAsync(paths, listed: null, options, resolver, formats, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a source over <paramref name="paths"/> as <paramref name="listed"/> lists them, without listing them
    /// again (a cluster run's nodes read the files its planner listed); lists them when <paramref name="listed"/> is null.
    /// </summary>
    internal static async Task<PartitionedDataSource> OpenAsync(
        IReadOnlyList<string> paths, IReadOnlyList<ObjectInfo>? listed, DataSourceOptions? options, ObjectStoreResolver? resolver, DataFormatRegistry? formats,
        CancellationToken cancellationToken)
    {
        options = options?.Clone() ?? new DataSourceOptions();
        resolver ??= ObjectStoreResolver.LocalOnly;
        formats ??= DataFormatRegistry.Default;
        DataSourceOptionsValidator.ThrowIfInvalid(options);

        var hidden = new List<ObjectInfo>();
        var files = listed?.ToList() ?? await ObjectLister.ListAllAsync(resolver, paths, hidden, cancellationToken).ConfigureAwait(false);
        var path0 = string.Join(", ", paths);
        var kind = options.Format ?? formats.Detect(files[0].Location.Key)
            ?? throw new DataFormatException(files[0].Location.ToString(),
                $"cannot tell the format from the file extension; set the source's Format to one of {string.Join(", ", formats.Kinds)}.");
        options.Format = kind;
        var format = formats.For(kind);
        if (format is IFileSetFormat fileSet)
        {
            // A folder of images may hold other files too (a README, labels); they are not rows.
            files.RemoveAll(f => !fileSet.Includes(f));
            if (files.Count == 0)
            {
                throw new DataFormatException(string.Join(", ", paths), $"no {kind} files found there.");
            }
        }

        var declared = ParseSchema(options.Columns ?? []);
        var columns = declared.Count > 0 && !options.InferOtherColumns
            ? declared
            : Override(await format.InferSchemaAsync(resolver.Resolve(files[0].Location), files[0], options, cancellationToken).ConfigureAwait(false), declared);
        if (columns.Count == 0)
        {
            throw new DataFormatException(files[0].Location.ToString(), "the file has no columns.");
        }

        // Bookkeeping files (_SUCCESS, _manifest.json, quarantine) are hidden by design; data files are worth a word.
        var hiddenData = hidden.Where(h => formats.Detect(h.Location.Key) == kind).ToList();
        return new PartitionedDataSource(path0, resolver, format, options, files, columns, partitions: null) { HiddenFiles = hiddenData };
    }

    /// <summary>The partitions of every file, planned once (Parquet reads each file's footer).</summary>
    public Task<IReadOnlyList<Partition>> GetPartitionsAsync() => _partitions.Value;

    /// <summary>A source that reads only the given partitions (used to fan partitions out to workers).</summary>
    public PartitionedDataSource WithPartitions(IReadOnlyList<Partition> partitions) =>
        Derive(partitions, BadRecords, Statistics);

    /// <summary>A source that sends unreadable rows to <paramref name="badRecords"/> instead of failing.</summary>
    public PartitionedDataSource WithBadRecords(IBadRecordSink? badRecords) =>
        Derive(PlannedOrNull(), badRecords, Statistics);

    /// <summary>A source that counts what it reads in <paramref name="statistics"/>.</summary>
    public PartitionedDataSource WithStatistics(ReadStatistics? statistics) =>
        Derive(PlannedOrNull(), BadRecords, statistics);

    /// <summary>The source as an ML.NET <see cref="Microsoft.ML.IDataView"/>.</summary>
    public PartitionedDataView AsDataView() => new(this);

    /// <summary>The same files, schema and buffer pools, with other partitions, bad-record sink or statistics.</summary>
    private PartitionedDataSource Derive(IReadOnlyList<Partition>? partitions, IBadRecordSink? badRecords, ReadStatistics? statistics) =>
        new(Path, Resolver, Format, Options, Files, Columns, partitions, _pools, badRecords, statistics) { HiddenFiles = HiddenFiles };

    private IReadOnlyList<Partition>? PlannedOrNull() =>
        _partitions.IsValueCreated && _partitions.Value.IsCompletedSuccessfully ? _partitions.Value.Result : null;

    private async Task<IReadOnlyList<Partition>> PlanAsync(CancellationToken cancellationToken)
    {
        var partitions = new List<Partition>();
        var commonPrefix = CommonDirectory(Files);
        var relatives = Files.Select(f => f.Location.Key[commonPrefix.Length..]).ToList();
        // Files from different buckets or hosts can share a key; their partitions need ids and output names of their own.
        var shared = relatives.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        if (Format is IFileSetFormat)
        {
            var names = Files.Select((f, i) => shared.Contains(relatives[i]) ? $"{f.Location.Container}/{relatives[i]}" : relatives[i]).ToList();
            var sets = FileSetPartitioner.Plan(Files, names, Options.FilesPerPartition);
            PartitionOutputNames.EnsureUnique(sets);
            return sets;
        }

        for (var f = 0; f < Files.Count; f++)
        {
            var file = Files[f];
            var spans = await Format.PlanAsync(Resolver.Resolve(file.Location), file, Options, cancellationToken).ConfigureAwait(false);
            var relative = shared.Contains(relatives[f]) ? $"{file.Location.Container}/{relatives[f]}" : relatives[f];
            var stem = PartitionOutputNames.StemFor(relative);
            for (var i = 0; i < spans.Count; i++)
            {
                var span = spans[i];
                var range = span.Kind switch
                {
                    PartitionKind.RowGroups => $"#rowgroups={span.Start}-{span.Start + span.Length - 1}",
                    PartitionKind.ByteRange => $"#bytes={span.Start}-{span.Start + span.Length - 1}",
                    _ => string.Empty,
                };
                partitions.Add(new Partition(
                    partitions.Count, relative + range, file, span.Kind, span.Start, span.Length, span.RowCount, PartitionOutputNames.ForChunk(stem, i)));
            }
        }

        PartitionOutputNames.EnsureUnique(partitions);
        return partitions;
    }

    // The options were validated, so every type name parses.
    private static List<SourceColumn> ParseSchema(Dictionary<string, string> schema) =>
        schema.Select(c => new SourceColumn(c.Key, ColumnTypeNames.TryParse(c.Value, out var type) ? type : throw new UnreachableException())).ToList();

    /// <summary>
    /// The inferred columns with the declared types put in; a declared column the file lacks is kept, and reading
    /// reports it missing as it does for an explicit schema.
    /// </summary>
    private static List<SourceColumn> Override(IReadOnlyList<SourceColumn> inferred, List<SourceColumn> declared)
    {
        var types = declared.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var columns = inferred.Select(c => types.Remove(c.Name, out var declaredColumn) ? declaredColumn : c).ToList();
        columns.AddRange(declared.Where(c => types.ContainsKey(c.Name)));
        return columns;
    }

    private static string CommonDirectory(IReadOnlyList<ObjectInfo> files)
    {
        var first = files[0].Location.Key;
        var prefix = first[..(first.LastIndexOf('/') + 1)];
        foreach (var file in files)
        {
            while (!file.Location.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                prefix = prefix[..(prefix.TrimEnd('/').LastIndexOf('/') + 1)];
            }
        }

        return prefix;
    }

    /// <summary>The batch pool for cursors reading the given columns.</summary>
    internal RecordBatchPool PoolFor(DataViewSchema schema, bool[] active) =>
        _pools.GetOrAdd(string.Concat(active.Select(a => a ? '1' : '0')), _ => new RecordBatchPool(schema, active, Options.ChunkRows));

    internal DataViewSchema BuildSchema()
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in Columns)
        {
            builder.AddColumn(column.Name, column.Type);
        }

        return builder.ToSchema();
    }
}
