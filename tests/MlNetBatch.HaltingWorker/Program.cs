using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MlNetBatch.HaltingWorker;
using MlNetBatch.Jobs.Observation;
using MlNetBatch.Worker.Cli;

// halting-worker <point> <occurrence> <marker file> <worker arguments...>
if (args.Length < 3 || !Enum.TryParse<JobPoint>(args[0], out var point))
{
    Console.Error.WriteLine($"usage: MlNetBatch.HaltingWorker <{string.Join('|', Enum.GetNames<JobPoint>())}> <occurrence> <marker file> <worker arguments...>");
    return 2;
}

var observer = new HaltingObserver(point, int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
return await WorkerProgram.RunAsync(args[3..], services => services.AddSingleton<IJobObserver>(observer));
