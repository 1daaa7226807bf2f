namespace MlNetBatch.Storage.Azure.Tests.Support;

/// <summary>Compares large byte arrays and names the first difference, instead of printing megabytes.</summary>
public static class BytesAssert
{
    public static void Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var common = Math.Min(expected.Length, actual.Length);
        var differ = expected[..common].CommonPrefixLength(actual[..common]);
        if (differ < common || expected.Length != actual.Length)
        {
            Assert.Fail($"The bytes differ at offset {differ} (expected {expected.Length} bytes, got {actual.Length}).");
        }
    }
}
