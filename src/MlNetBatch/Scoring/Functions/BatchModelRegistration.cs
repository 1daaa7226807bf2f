namespace MlNetBatch.Scoring.Functions;

/// <summary>A batch model registered under a name (see <see cref="BatchModelServiceCollectionExtensions.AddBatchModel{TModel}"/>).</summary>
/// <param name="Name">The name jobs use in <c>Model:Name</c>.</param>
/// <param name="ModelType">The implementation, resolved from DI as a keyed singleton under <paramref name="Name"/>.</param>
public sealed record BatchModelRegistration(string Name, Type ModelType);
