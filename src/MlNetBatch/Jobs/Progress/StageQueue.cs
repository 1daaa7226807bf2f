namespace MlNetBatch.Jobs.Progress;

/// <summary>How full a stage's bounded queues are now: blocks held of the most they hold.</summary>
/// <param name="Stage">The stage whose output the queues hold.</param>
/// <param name="Depth">Blocks held now.</param>
/// <param name="Capacity">The most they hold.</param>
public sealed record StageQueue(string Stage, int Depth, int Capacity)
{
    /// <summary>Depth over capacity, 0 to 1.</summary>
    public double Fill => Capacity == 0 ? 0 : Math.Clamp((double)Depth / Capacity, 0, 1);
}
