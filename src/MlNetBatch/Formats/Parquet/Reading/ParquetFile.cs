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
    /// Bytes of a local file's column chunk read at a time. Arrow reads a chunk through a buffer this size rather than
    /// whole, so a huge row group costs this much per column (plus the page being decoded). Small reads cost nothing on
    /// a local disk, and they keep memory churn low: ParquetSharp copies every read through a new managed array (below
    /// 85 KB it stays off the large-object heap), and larger native buffers came fresh from the OS for every partition,
    /// which cost a job about a fifth of its speed in the bench.
    /// </summary>
    public const int LocalColumnReadBytes = 64 << 10;

    /// <summary>
    /// Bytes of a remote object's column chunk read at a time: a read this large goes from the ranged stream straight
    /// into one request (<see cref="RangedObjectStream.DefaultBlockSize"/>), where smaller reads of several columns
    /// in turn would each refetch the stream's one buffered block.
    /// </summary>
    public const int RemoteColumnReadBytes = RangedObjectStream.DefaultBlockSize;

    /// <summary>
    /// Bytes read from the end of the file to find the footer; a larger footer costs one more read. Arrow's default,
    /// 64 KiB, is more than most footers need, read again for every partition of a file.
    /// </summary>
    private const long FooterReadBytes = 16 << 10;

    private readonly FaultRecordingStream _stream;
    private readonly ManagedRandomAccessFile _input;
    private readonly ParquetFileReader _reader;
    private IReadOnlyList<ParquetField>? _fields;

    private ParquetFile(string name, FaultRecordingStream stream, ManagedRandomAccessFile input, ParquetFileReader reader)
    {
        Name = name;
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
    /// Opens <paramref name="file"/> and reads its footer; column chunks will be read <paramref name="columnReadBytes"/>
    /// at a time, or by default as suits the store's stream (<see cref="LocalColumnReadBytes"/>, <see cref="RemoteColumnReadBytes"/>).
    /// </summary>
    /// <exception cref="DataFormatException">The file is not Parquet, or is damaged.</exception>
    /// <exception cref="StorageException">The bytes could not be fetched.</exception>
    public static async Task<ParquetFile> OpenAsync(IObjectStore store, ObjectInfo file, int? columnReadBytes, CancellationToken cancellationToken)
    {
        var name = file.Location.ToString();
        var opened = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        var readBytes = columnReadBytes ?? (opened is FileStream ? LocalColumnReadBytes : RemoteColumnReadBytes);
        var stream = new FaultRecordingStream(opened);
        ManagedRandomAccessFile? input = null;
        try
        {
            input = new ManagedRandomAccessFile(stream, leaveOpen: true);
            using var properties = ReaderProperties.GetDefaultReaderProperties();
            properties.EnableBufferedStream();
            properties.BufferSize = readBytes;
            properties.SetFooterReadSize(FooterReadBytes);
            return new ParquetFile(name, stream, input, new ParquetFileReader(input, properties));
        }
        catch (Exception e) when (e is not OperationCanceledException)
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

    /// <summary>Opens row group <paramref name="index"/>; its columns are read only when asked for.</summary>
    public RowGroupReader RowGroup(int index) => _reader.RowGroup(index);

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

    /// <summary>Arrow's own words, without ParquetSharp's wrapping.</summary>
    private static string MessageOf(Exception e) => e.Message.Trim();
}
