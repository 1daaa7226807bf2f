namespace MlNetBatch.Diagnostics;

/// <summary>A bounded hand-off between stages whose fill can be read at any time, for gauges and the progress display.</summary>
internal interface IQueueProbe
{
    /// <summary>Items in the queue (or blocks in flight) now; read without locking, so approximate.</summary>
    int Depth { get; }

    /// <summary>The most it holds.</summary>
    int Capacity { get; }
}
