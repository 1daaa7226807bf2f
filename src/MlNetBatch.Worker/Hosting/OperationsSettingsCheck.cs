using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;
using MlNetBatch.Worker.Health;
using MlNetBatch.Worker.History;
using MlNetBatch.Worker.Telemetry;

namespace MlNetBatch.Worker.Hosting;

/// <summary>
/// Adds the problems of the history, health and telemetry settings, found by their own validators, to the report on
/// the <c>MlNetBatch</c> section, so that every command that reads the jobs (<c>validate</c> included) reports them too,
/// all at once with the jobs' problems.
/// </summary>
internal sealed class OperationsSettingsCheck(IServiceProvider services) : IValidateOptions<MlNetBatchOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MlNetBatchOptions options)
    {
        var failures = new List<string>();
        Collect<StateDirectoryOptions>(failures);
        Collect<RunHistoryOptions>(failures);
        Collect<JobHealthOptions>(failures);
        Collect<TelemetryOptions>(failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void Collect<TOptions>(List<string> failures)
        where TOptions : class
    {
        try
        {
            // The factory, not IOptions<T>: it validates afresh and caches nothing, so a later read still reports.
            _ = services.GetRequiredService<IOptionsFactory<TOptions>>().Create(Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
        }
    }
}
