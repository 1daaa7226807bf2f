using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Engine;

/// <summary>
/// What a cluster run's planner stored for the other nodes, so that they prepare the very run it planned: the input
/// files it listed (not listed again: a file added meanwhile is not part of this run) and what its preprocessing learned.
/// </summary>
/// <param name="Files">The source's files as the planner listed them; null to list them.</param>
/// <param name="Fit">What the planner's preprocessing learned; null to fit it.</param>
internal sealed record StoredRunPlan(IReadOnlyList<ObjectInfo>? Files, Pipeline.FittedPreprocessing? Fit);
