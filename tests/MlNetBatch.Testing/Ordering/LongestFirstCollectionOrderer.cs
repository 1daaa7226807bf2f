using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MlNetBatch.Testing.Ordering;

/// <summary>
/// The test collections of an assembly that take longest, in the order to start them: test classes run in parallel
/// a few at a time, and a long class that happens to start last runs alone at the end and sets the wall time of the run.
/// Names are a class's full name (its own collection) or a collection definition's name.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class StartFirstAttribute(params string[] collections) : Attribute
{
    public IReadOnlyList<string> Collections { get; } = collections;
}

/// <summary>
/// Starts the collections named by the assembly's <see cref="StartFirstAttribute"/> first, then the rest in xUnit's
/// default order. Only the start order changes: every collection still runs, each one in isolation as before. Used
/// with <c>[assembly: TestCollectionOrderer(LongestFirstCollectionOrderer.TypeName, LongestFirstCollectionOrderer.AssemblyName)]</c>.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    public const string TypeName = "MlNetBatch.Testing.Ordering.LongestFirstCollectionOrderer";

    public const string AssemblyName = "MlNetBatch.Testing";

    private const string ClassCollectionPrefix = "Test collection for ";

    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var ordered = _default.OrderTestCollections(testCollections).ToList();
        var first = ordered.Select(c => c.TestAssembly.Assembly).OfType<IReflectionAssemblyInfo>().FirstOrDefault()?.Assembly
            .GetCustomAttribute<StartFirstAttribute>()?.Collections ?? [];
        return ordered
            .Select((collection, index) => (Collection: collection, Rank: Rank(first, collection), Index: index))
            .OrderBy(c => c.Rank)
            .ThenBy(c => c.Index)
            .Select(c => c.Collection);
    }

    private static int Rank(IReadOnlyList<string> first, ITestCollection collection)
    {
        var name = collection.DisplayName.StartsWith(ClassCollectionPrefix, StringComparison.Ordinal)
            ? collection.DisplayName[ClassCollectionPrefix.Length..]
            : collection.DisplayName;
        var rank = first.ToList().IndexOf(name);
        return rank < 0 ? first.Count : rank;
    }
}
