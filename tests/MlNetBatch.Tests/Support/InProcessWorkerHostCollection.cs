namespace MlNetBatch.Tests.Support;

/// <summary>
/// Tests that build the worker's host inside the test process. The host's Serilog setup replaces the process-wide
/// static logger, so two such hosts at once log into each other's sinks: these classes run one at a time, and in
/// parallel with every other collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessWorkerHostCollection
{
    public const string Name = "In-process worker host";
}
