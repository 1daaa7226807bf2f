using MlNetBatch.Testing.DataPath;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// The long mode of the data-path property test: many more generated cases than the test suite's fixed seeds,
/// each read through every consumer path and sink and compared with an independent reader.
/// </summary>
internal static class DataPathProperty
{
    public static int Run(int cases, int firstSeed)
    {
        var work = Path.Combine(Path.GetTempPath(), $"mlnetbatch-property-{Environment.ProcessId}");
        var failures = 0;
        try
        {
            for (var seed = firstSeed; seed < firstSeed + cases; seed++)
            {
                var dataCase = DataPathCase.Generate(seed);
                try
                {
                    DataPathCheck.Run(dataCase, Path.Combine(work, seed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
                catch (Exception e)
                {
                    failures++;
                    Console.WriteLine($"FAILED {e.Message}");
                }
                finally
                {
                    Directory.Delete(Path.Combine(work, seed.ToString(System.Globalization.CultureInfo.InvariantCulture)), recursive: true);
                }
            }
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }

        Console.WriteLine($"data path property: {cases - failures} of {cases} generated cases equal the independent readers (seeds {firstSeed}–{firstSeed + cases - 1})");
        return failures == 0 ? 0 : 1;
    }
}
