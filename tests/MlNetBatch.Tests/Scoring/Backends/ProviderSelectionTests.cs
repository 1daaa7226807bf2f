using Microsoft.Extensions.Logging;
using MlNetBatch.Scoring;
using MlNetBatch.Scoring.Backends;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring.Backends;

public class ProviderSelectionTests
{
    [Fact]
    public void The_test_build_is_a_cpu_build()
    {
        // The tests reference the CPU package; a GPU machine running them with the GPU package skips the CPU-build cases.
        Assert.False(GpuProviders.BuildHasCuda());
    }

    [Fact]
    public void Auto_on_a_cpu_build_scores_on_the_cpu_and_says_it_is_a_cpu_build_and_how_to_get_the_gpu_one()
    {
        using var dir = new TempDirectory();
        var logger = new RecordingLogger();

        using var model = OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = TestModels.Tabular(dir), Device = OnnxDevice.Auto }, logger);

        Assert.Equal(OnnxDevice.Cpu, model.Device);
        var line = Assert.Single(logger.Lines);
        Assert.StartsWith("Information: Model tabular-dynamic.onnx scores on the CPU: this is a CPU build of MlNetBatch", line);
        Assert.Contains("-p:OnnxRuntimeFlavor=Gpu", line);
        Assert.DoesNotContain("entry point", line, StringComparison.OrdinalIgnoreCase);
        Assert.Null(model.Backends.Tuner);
        using var backend = model.Backends.Create(0);
        Assert.IsType<CpuScoringBackend>(backend);
    }

    [Fact]
    public void Cuda_on_a_cpu_build_fails_with_one_clear_line()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<OnnxModelException>(() =>
            OnnxScoringModel.Load(new ScoreOnnxOptions { ModelPath = TestModels.Tabular(dir), Device = OnnxDevice.Cuda, GpuDeviceId = 1 }));

        Assert.Equal(
            "Model 'tabular-dynamic.onnx': Device is Cuda, but CUDA device 1 cannot be used: " + GpuProviders.CpuBuildReason + ". Set Device to Auto or Cpu to score on the CPU.",
            error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_build_with_cuda_whose_provider_cannot_start_falls_back_under_auto_and_fails_under_cuda_with_one_line()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(TestModels.Tabular(dir));
        var logger = new RecordingLogger();

        // Claim the build has CUDA: this CPU build's ONNX Runtime then fails to start the provider, as a GPU build without CUDA's libraries does.
        using var session = OnnxSessionFactory.Create(bytes, "m.onnx", new ScoreOnnxOptions { Device = OnnxDevice.Auto }, logger, () => true, out var device);
        var error = Assert.ThrowsAny<OnnxModelException>(() =>
            OnnxSessionFactory.Create(bytes, "m.onnx", new ScoreOnnxOptions { Device = OnnxDevice.Cuda }, logger, () => true, out _));

        Assert.Equal(OnnxDevice.Cpu, device);
        var line = Assert.Single(logger.Lines);
        Assert.StartsWith("Information: Model m.onnx scores on the CPU: ", line);
        Assert.StartsWith("Model 'm.onnx': Device is Cuda, but CUDA device 0 cannot be used: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void Cpu_never_tries_cuda_and_logs_nothing()
    {
        using var dir = new TempDirectory();
        var logger = new RecordingLogger();
        var asked = false;

        using var session = OnnxSessionFactory.Create(File.ReadAllBytes(TestModels.Tabular(dir)), "m.onnx", new ScoreOnnxOptions { Device = OnnxDevice.Cpu }, logger, () => asked = true, out var device);

        Assert.Equal(OnnxDevice.Cpu, device);
        Assert.False(asked);
        Assert.Empty(logger.Lines);
    }

    [Fact]
    public void Gpu_options_are_validated_with_their_setting_names()
    {
        var problems = ScoreOnnxOptionsValidator.Problems(new ScoreOnnxOptions { GpuConcurrentRuns = 0, GpuDeviceId = -1, TensorRtCachePath = "/tmp/trt" }).ToList();

        Assert.Contains("GpuConcurrentRuns: must be greater than zero (got 0).", problems);
        Assert.Contains("GpuDeviceId: must be 0 or greater (got -1).", problems);
        Assert.Contains(problems, p => p.StartsWith("TensorRtCachePath: is set but TensorRt is false", StringComparison.Ordinal));
        var copy = new ScoreOnnxOptions { GpuConcurrentRuns = 3, TensorRt = true, TensorRtCachePath = "/c" }.Clone();
        Assert.Equal((3, true, "/c"), (copy.GpuConcurrentRuns, copy.TensorRt, copy.TensorRtCachePath));
    }

    /// <summary>Keeps each formatted log line as "Level: message".</summary>
    private sealed class RecordingLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
