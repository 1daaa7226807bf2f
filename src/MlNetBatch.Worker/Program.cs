using MlNetBatch.Worker.Cli;

return await WorkerProgram.RunAsync(args);
