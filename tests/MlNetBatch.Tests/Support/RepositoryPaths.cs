namespace MlNetBatch.Tests.Support;

/// <summary>Locates files of the repository from the test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    public static string SampleModel => Path.Combine(Samples, "models", "tabular-mlp.onnx");

    public static string SampleData => Path.Combine(Samples, "data", "tabular");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlNetBatch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The tests must run from inside the repository.");
    }
}
