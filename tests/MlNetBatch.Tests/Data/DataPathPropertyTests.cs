using MlNetBatch.Testing.DataPath;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Data;

/// <summary>
/// The whole data path as a property: for generated inputs (every format, awkward text, extreme numbers, odd file
/// names, many partition and chunk sizes), every value read through every consumer path, and written by every
/// sink, equals the value written, as an independent reader (Python's csv and json, Apache Arrow) sees it.
/// Fixed seeds here (<see cref="AllSeeds"/>); <c>bench -- --data-path-property N</c> runs many more. Each format's
/// seeds are a test class of their own (below), so that the three run in parallel rather than one case after another.
/// </summary>
public static class DataPathProperty
{
    /// <summary>
    /// The generator makes up to 400 rows per file; the first 150 still cross many 1 KB partitions, chunks and row groups
    /// (a Parquet file of one-row groups is read in one partition per group), at a fraction of the time. The bench runs full-size cases.
    /// </summary>
    public const int MaxRowsPerFile = 150;

    public static IEnumerable<int> AllSeeds => Enumerable.Range(1, 40);

    /// <summary>The case the tests run for <paramref name="seed"/>.</summary>
    public static DataPathCase Case(int seed) => DataPathCase.Generate(seed, MaxRowsPerFile);

    /// <summary>The seeds of <see cref="AllSeeds"/> whose case is in <paramref name="format"/>.</summary>
    public static TheoryData<int> SeedsOf(string format) => new(AllSeeds.Where(seed => Case(seed).Format.Name == format));

    /// <summary>Writes the case of <paramref name="seed"/> and reads and writes it through every path.</summary>
    public static void Check(int seed)
    {
        using var dir = new TempDirectory();
        DataPathCheck.Run(Case(seed), dir.Path);
    }
}

/// <summary>The data-path property (<see cref="DataPathProperty"/>) over the generated CSV cases.</summary>
public sealed class CsvDataPathPropertyTests
{
    public static TheoryData<int> Seeds => DataPathProperty.SeedsOf("Csv");

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_value_read_and_written_equals_the_value_that_went_in(int seed) => DataPathProperty.Check(seed);
}

/// <summary>The data-path property (<see cref="DataPathProperty"/>) over the generated JSON Lines cases.</summary>
public sealed class JsonLinesDataPathPropertyTests
{
    public static TheoryData<int> Seeds => DataPathProperty.SeedsOf("JsonLines");

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_value_read_and_written_equals_the_value_that_went_in(int seed) => DataPathProperty.Check(seed);
}

/// <summary>The data-path property (<see cref="DataPathProperty"/>) over the generated Parquet cases.</summary>
public sealed class ParquetDataPathPropertyTests
{
    public static TheoryData<int> Seeds => DataPathProperty.SeedsOf("Parquet");

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_value_read_and_written_equals_the_value_that_went_in(int seed) => DataPathProperty.Check(seed);
}
