using MlNetBatch.Testing.Scratch;

namespace MlNetBatch.Tests.Support;

/// <summary>A fresh directory per test (under <see cref="ScratchFolder.Root"/>), removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(ScratchFolder.Root, "mlnetbatch-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing background reader; the OS temp cleaner gets it.
        }
    }
}
