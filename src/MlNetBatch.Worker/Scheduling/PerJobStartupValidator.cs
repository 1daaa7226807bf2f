using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using MlNetBatch.Jobs;

namespace MlNetBatch.Worker.Scheduling;

/// <summary>
/// The host's start-up check of the options, less <see cref="MlNetBatchOptions"/> as a whole: in service mode the jobs
/// are checked one by one by <see cref="JobScheduleSync"/>, which schedules the valid ones, reports the others, and
/// fails the start only for problems every job shares. Every other options type is checked as before.
/// </summary>
internal sealed class PerJobStartupValidator(IStartupValidator inner) : IStartupValidator
{
    public void Validate()
    {
        try
        {
            inner.Validate();
        }
        catch (OptionsValidationException e) when (e.OptionsType == typeof(MlNetBatchOptions))
        {
            // JobScheduleSync reports these, job by job.
        }
        catch (AggregateException e)
        {
            var others = e.InnerExceptions.Where(x => x is not OptionsValidationException { OptionsType: var type } || type != typeof(MlNetBatchOptions)).ToList();
            if (others.Count == 1)
            {
                ExceptionDispatchInfo.Throw(others[0]);
            }

            if (others.Count > 1)
            {
                throw new AggregateException(others);
            }
        }
    }
}
