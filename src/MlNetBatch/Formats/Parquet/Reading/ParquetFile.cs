using System.Diagnostics.CodeAnalysis;
using MlNetBatch.Data;
using MlNetBatch.Storage;
using ParquetSharp;
using ParquetSharp.IO;

namespace MlNetBatch.Formats.Parquet.Reading;

/// <summary>
/// A Parquet file open for reading through ParquetSharp, over the store's ranged, version-pinned stream: its footer
/// is read on opening, column chunks only as they are read. Failures say whether the file or the storage is at fault.
/// </summary>
internal sealed class ParquetFile : IAsyncDisposable
{
    /// <summary>
    /// Bytes read from the end of the file to find the footer; a larger footer costs one more read. Arrow's default,
    /// 64 KiB, is more than most footers need, read again for every partition of a file.
    /// </summary>
    private const long FooterReadBytes = 16 << 10;

    private readonly FaultRecordingStream _stream;
    private readonly SegmentCachingStream? _segments;
    private readonly ManagedRandomAccessFile _input;
    private readonly ParquetFileReader _reader;
    private IReadOnlyList<ParquetField>? _fields;

    private ParquetFile(string name, FaultRecordingStream stream, SegmentCachingStream? segments, ManagedRandomAccessFile input, ParquetFileReader reader)
    {
        Name = name;
        _segments = segments;
        _stream = stream;
        _input = input;
        _reader = reader;
        Metadata = reader.FileMetaData;
    }

    /// <summary>The file's location, for messages.</summary>
    public string Name { get; }

    /// <summary>The footer.</summary>
    public FileMetaData Metadata { get; }

    /// <summary>The top-level fields, in schema order.</summary>
    public IReadOnlyList<ParquetField> Fields => _fields ??= ParquetField.ReadAll(Metadata.Schema);

    /// <summary>
    /// Opens <paramref name="file"/> and reads its footer; column chunks will be read as <paramref name="policy"/> says.
    /// A local file is read as it is; a remote object through <see cref="SegmentCachingStream"/>.
    /// </summary>
    /// <exception cref="DataFormatException">The file is not Parquet, or is damaged.</exception>
    /// <exception cref="StorageException">The bytes could not be fetched.</exception>
    public static async Task<ParquetFile> OpenAsync(IObjectStore store, ObjectInfo file, ChunkReadPolicy policy, CancellationToken cancellationToken)
    {
        var name = file.Location.ToString();
        var opened = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        SegmentCachingStream? segments;
        try
        {
            segments = opened is FileStream or MeteredReadStream { Inner: FileStream } ? null : new SegmentCachingStream(opened, policy.RemoteSegmentBytes);
        }
        catch
        {
            // The segment cache asks the stream for its length; the opened stream must not leak when that fails.
            await opened.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var stream = new FaultRecordingStream(segments ?? opened);
        ManagedRandomAccessFile? input = null;
        try
        {
            input = new ManagedRandomAccessFile(stream, leaveOpen: true);
            using var properties = ReaderProperties.GetDefaultReaderProperties();
            properties.EnableBufferedStream();
            properties.BufferSize = policy.BufferBytes;
            properties.SetFooterReadSize(FooterReadBytes);
            return new ParquetFile(name, stream, segments, input, new ParquetFileReader(input, properties));
        }
        catch (OperationCanceledException)
        {
            input?.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception e)
        {
            input?.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            if (stream.Fault is { } fault)
            {
                if (fault.SourceException is MlNetBatchException or OperationCanceledException)
                {
                    fault.Throw();
                }

                // The bytes could not be fetched (a dropped connection, a timeout): worth another try, unlike a bad file.
                throw new StorageException(file.Location, $"reading the Parquet footer failed ({fault.SourceException.Message}).", fault.SourceException,
                    isTransient: TransientFailures.IsTransient(fault.SourceException));
            }

            throw new DataFormatException(name, $"not a readable Parquet file ({MessageOf(e)}).", innerException: e);
        }
    }

    /// <summary>Prepares for reading <paramref name="columns"/> columns at once: a remote object keeps a segment for each.</summary>
    public void ReadingColumns(int columns)
    {
        if (_segments is not null)
        {
            _segments.Capacity = columns + 1;
        }
    }

    /// <summary>Opens row group <paramref name="index"/>; its columns are read only when asked for.</summary>
    public RowGroupReader RowGroup(int index)
    {
        _segments?.BeginRowGroup();
        return _reader.RowGroup(index);
    }

    /// <summary>Says that the reads which follow are of <paramref name="column"/>, whose chunk holds <paramref name="chunkBytes"/>.</summary>
    public void ReadingColumn(int column, long chunkBytes) => _segments?.BeginColumn(column, chunkBytes);

    /// <summary>
    /// Rethrows a ParquetSharp failure as what it means: the store's own exception when the stream failed, else
    /// <paramref name="formatError"/> with Arrow's message (the file is damaged).
    /// </summary>
    [DoesNotReturn]
    public void Rethrow(ParquetException error, Func<string, Exception> formatError)
    {
        _stream.Fault?.Throw();
        throw formatError(MessageOf(error));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Metadata.Dispose();
        _reader.Dispose();
        _input.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Arrow's own words, on one line: Arrow joins the layers of a failure with line breaks.</summary>
    private static string MessageOf(Exception e) =>
        string.Join("; ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
