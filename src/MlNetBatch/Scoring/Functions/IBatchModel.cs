namespace MlNetBatch.Scoring.Functions;

/// <summary>
/// Any .NET code as a job's model: a block of input columns in, a block of output columns out. Registered in DI by
/// name (<c>services.AddBatchModel&lt;T&gt;("name")</c>) and named in a job as <c>Model: { Kind: "Function", Name: "name" }</c>.
/// </summary>
/// <remarks>
/// One instance serves every partition of every job, from several threads: at most the registration's
/// <see cref="BatchModelOptions.MaxConcurrency"/> calls run at once. A row the model cannot score is reported with
/// <see cref="ModelBatch.Fail"/> and set aside in the job's quarantine; an exception fails every row of the call,
/// which is then retried row by row so that only the rows that fail alone are set aside.
/// </remarks>
public interface IBatchModel
{
    /// <summary>The columns the model reads and the columns it writes, with their types.</summary>
    BatchModelSignature Signature { get; }

    /// <summary>
    /// What, besides the model's type, decides its outputs (its settings, the version of a program or service it calls).
    /// It is part of the job's model hash: output written while it was different is scored again, never mixed.
    /// </summary>
    /// <value>Empty by default: the type alone identifies the scores.</value>
    string Version => string.Empty;

    /// <summary>
    /// Fills <paramref name="batch"/>'s output columns for each of its rows, or fails the rows it cannot score. May
    /// call a process or a service; honour <paramref name="cancellationToken"/>, which fires when the job stops.
    /// </summary>
    ValueTask ScoreAsync(ModelBatch batch, CancellationToken cancellationToken);
}
