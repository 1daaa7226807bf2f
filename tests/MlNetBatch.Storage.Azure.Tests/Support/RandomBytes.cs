namespace MlNetBatch.Storage.Azure.Tests.Support;

/// <summary>Reproducible random content for round-trip checks.</summary>
public static class RandomBytes
{
    public static byte[] Create(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
