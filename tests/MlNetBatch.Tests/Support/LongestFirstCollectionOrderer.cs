using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("MlNetBatch.Tests.Support.LongestFirstCollectionOrderer", "MlNetBatch.Tests")]

namespace MlNetBatch.Tests.Support;

/// <summary>
/// Starts the collections that take longest first, then the rest in xUnit's default order. Test classes run in
/// parallel two at a time (one per core); a long class that happens to start last runs alone at the end and sets
/// the wall time of the run. Only the start order changes: every collection still runs, each one in isolation as before.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    // Measured: each runs for tens of seconds (worker processes, many generated cases), one test after another.
    private static readonly string[] Longest =
    [
        "MlNetBatch.Tests.Jobs.Commit.CrashRecoveryTests",
        "MlNetBatch.Tests.Data.DataPathPropertyTests",
        "MlNetBatch.Tests.Storage.CrossStoreJobTests",
        InProcessWorkerHostCollection.Name,
        "MlNetBatch.Tests.Worker.ConfigurationReportTests",
        "MlNetBatch.Tests.Worker.FailureMessageTests",
    ];

    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _default.OrderTestCollections(testCollections)
            .Select((collection, index) => (Collection: collection, Rank: Rank(collection), Index: index))
            .OrderBy(c => c.Rank)
            .ThenBy(c => c.Index)
            .Select(c => c.Collection);

    private static int Rank(ITestCollection collection)
    {
        // A class's own collection is named "Test collection for <class>"; a shared one by its definition's name.
        var name = collection.DisplayName.StartsWith("Test collection for ", StringComparison.Ordinal)
            ? collection.DisplayName["Test collection for ".Length..]
            : collection.DisplayName;
        var rank = Array.IndexOf(Longest, name);
        return rank < 0 ? Longest.Length : rank;
    }
}
