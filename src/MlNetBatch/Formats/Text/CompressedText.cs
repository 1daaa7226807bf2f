using MlNetBatch.Data;
using MlNetBatch.Storage;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// Text inputs stored compressed: <c>.gz</c> (gzip, several members allowed) and <c>.zst</c>/<c>.zstd</c> (Zstandard).
/// Neither can be entered in the middle, so such a file is one partition, read from the start through the codec.
/// </summary>
/// <remarks>
/// Gzip goes through SharpZipLib, which checks every member's CRC and length: System.IO.Compression's GZipStream
/// reads a truncated file up to the cut and reports no error (measured: half a file, read "successfully"), which
/// would lose rows silently. SharpZipLib decompresses at about half GZipStream's speed, still faster than parsing.
/// </remarks>
internal static class CompressedText
{
    private static readonly string[] Extensions = [".gz", ".zst", ".zstd"];

    /// <summary>Whether the file's name says it is compressed.</summary>
    public static bool IsCompressed(ObjectLocation location) => Codec(location) is not null;

    /// <summary>How many bytes of text a reader may expect: unknown (unbounded) when compressed.</summary>
    public static long TextLength(ObjectInfo file) => IsCompressed(file.Location) ? long.MaxValue : file.Size;

    /// <summary>The file's text: the stored bytes, or their decompression.</summary>
    public static async Task<Stream> OpenAsync(IObjectStore store, ObjectInfo file, CancellationToken cancellationToken)
    {
        var raw = await store.OpenReadAsync(file.Location, file, cancellationToken).ConfigureAwait(false);
        return Codec(file.Location) switch
        {
            ".gz" => new DecompressedStream(new ICSharpCode.SharpZipLib.GZip.GZipInputStream(raw), file.Location.ToString(), "gzip"),
            ".zst" or ".zstd" => new DecompressedStream(new ZstdSharp.DecompressionStream(raw), file.Location.ToString(), "zstd"),
            _ => raw,
        };
    }

    /// <summary>Strips a compression extension, for format detection (<c>a.csv.gz</c> is CSV).</summary>
    public static string WithoutCodecExtension(string name) => Codec(name) is { } codec ? name[..^codec.Length] : name;

    private static string? Codec(ObjectLocation location) => Codec(location.Key);

    private static string? Codec(string name)
    {
        foreach (var codec in Extensions)
        {
            if (name.EndsWith(codec, StringComparison.OrdinalIgnoreCase))
            {
                return codec;
            }
        }

        return null;
    }

    /// <summary>
    /// A forward-only view of decompressed text: corrupt data becomes a <see cref="DataFormatException"/> naming the
    /// file, and a seek to where the stream already is (the start, as line readers do) is allowed.
    /// </summary>
    private sealed class DecompressedStream(Stream inner, string file, string codec) : ReadOnlyStream
    {
        private long _position;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                var read = inner.Read(buffer);
                _position += read;
                return read;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException or ICSharpCode.SharpZipLib.SharpZipBaseException)
            {
                throw new DataFormatException(file, $"the {codec} data is corrupt or truncated after {_position} bytes of text ({e.Message}).", innerException: e);
            }
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            origin == SeekOrigin.Begin && offset == _position
                ? _position
                : throw new NotSupportedException($"{file}: {codec} text is read from the start only.");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
