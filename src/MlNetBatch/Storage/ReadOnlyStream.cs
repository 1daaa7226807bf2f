namespace MlNetBatch.Storage;

/// <summary>
/// The base of the streams that only read: writing refuses with <see cref="NotSupportedException"/> and flushing has
/// nothing to do, in one place; a derived stream supplies the reading and seeking.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public sealed override bool CanWrite => false;

    /// <inheritdoc />
    public sealed override void Flush()
    {
        // Nothing is written, so nothing waits to be flushed.
    }

    /// <inheritdoc />
    public sealed override void SetLength(long value) => throw new NotSupportedException("The stream is read-only.");

    /// <inheritdoc />
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The stream is read-only.");
}
