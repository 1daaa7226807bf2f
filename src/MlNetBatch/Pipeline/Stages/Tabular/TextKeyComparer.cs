namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>Compares text values by their characters, so a dictionary of terms is searched without a string per row.</summary>
internal sealed class TextKeyComparer : IEqualityComparer<ReadOnlyMemory<char>>
{
    public static TextKeyComparer Instance { get; } = new();

    public bool Equals(ReadOnlyMemory<char> x, ReadOnlyMemory<char> y) => x.Span.SequenceEqual(y.Span);

    public int GetHashCode(ReadOnlyMemory<char> obj) => string.GetHashCode(obj.Span, StringComparison.Ordinal);
}
