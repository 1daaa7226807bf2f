using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring.Backends;

/// <summary>
/// What every cursor of one model shares for scoring: on a GPU, the device's <see cref="GpuExecutor"/>, the pinned
/// host allocator and the <see cref="RunSizeTuner"/>. Makes each scorer of a cursor its own <see cref="IScoringBackend"/>.
/// </summary>
internal sealed class ScoringBackendFactory : IDisposable
{
    private readonly OnnxScoringModel _model;
    private readonly OrtMemoryInfo? _pinnedInfo;
    private readonly OrtAllocator? _hostAllocator;
    private readonly GpuExecutor? _executor;
    private readonly Func<int, IScoringBackend>? _create;

    private ScoringBackendFactory(
        OnnxScoringModel model, (OrtMemoryInfo? Info, OrtAllocator Allocator)? host, GpuExecutor? executor, RunSizeTuner? tuner, Func<int, IScoringBackend>? create = null)
    {
        _model = model;
        (_pinnedInfo, _hostAllocator) = host is { } h ? (h.Info, h.Allocator) : (null, null);
        _executor = executor;
        _create = create;
        Tuner = tuner;
    }

    /// <summary>Chooses rows per run, when the model runs on a GPU with an automatic batch size; otherwise null.</summary>
    public RunSizeTuner? Tuner { get; }

    /// <summary>
    /// Batches one cursor keeps in ONNX Runtime at once, each through a backend of its own. On a GPU it is as many
    /// as the device's executor runs at once, so one batch's copies overlap another's compute. On the CPU it is one:
    /// a run already has the threads the job gives it.
    /// </summary>
    public int BatchesInFlight => _executor?.ConcurrentRuns ?? 1;

    /// <summary>The backends of <paramref name="model"/>, for the device its session runs on.</summary>
    public static ScoringBackendFactory For(OnnxScoringModel model, ILogger logger)
    {
        var slotRows = model.BatchSize;
        if (model.Device != OnnxDevice.Cuda)
        {
            return new ScoringBackendFactory(model, null, null, null);
        }

        var options = model.Options;
        var executor = GpuExecutor.ForDevice(options.GpuDeviceId, options.GpuConcurrentRuns);
        var tuner = options.BatchSize == 0 && model.FixedBatchSize is null
            ? new RunSizeTuner(Math.Min(slotRows, ScoreOnnxDefaults.FirstGpuRunRows), slotRows)
            : null;
        var host = IoBindingScoringBackend.CanStage(model) ? PinnedAllocator(model, logger) : ((OrtMemoryInfo?, OrtAllocator)?)null;
        return new ScoringBackendFactory(model, host, executor, tuner);
    }

    /// <summary>
    /// Backends that <paramref name="create"/> makes, whose runs share <paramref name="executor"/> as a GPU's do. Tests
    /// drive a CPU session with it (through its I/O binding) the way a CUDA one is driven.
    /// </summary>
    internal static ScoringBackendFactory WithExecutor(OnnxScoringModel model, GpuExecutor executor, Func<int, IScoringBackend> create) =>
        new(model, null, executor, null, create);

    /// <summary>A backend for one scorer of a cursor, whose model outputs start at slot column <paramref name="firstOutputColumn"/>.</summary>
    public IScoringBackend Create(int firstOutputColumn)
    {
        if (_create is not null)
        {
            return _create(firstOutputColumn);
        }

        if (_executor is null)
        {
            return new CpuScoringBackend(_model, firstOutputColumn);
        }

        return _hostAllocator is not null
            ? new IoBindingScoringBackend(_model, firstOutputColumn, _hostAllocator, _executor)
            // Tensors that cannot be staged byte for byte: a plain run, ONNX Runtime copying them itself.
            : new ExecutorLimitedBackend(new CpuScoringBackend(_model, firstOutputColumn), _executor);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_hostAllocator is not null && !ReferenceEquals(_hostAllocator, OrtAllocator.DefaultInstance))
        {
            _hostAllocator.Dispose();
        }

        _pinnedInfo?.Dispose();
    }

    /// <summary>CUDA's pinned host allocator where the session offers one, else ONNX Runtime's CPU allocator.</summary>
    /// <remarks>The memory info is kept for the allocator's lifetime: ONNX Runtime's documentation does not say the allocator copies it.</remarks>
    private static (OrtMemoryInfo?, OrtAllocator) PinnedAllocator(OnnxScoringModel model, ILogger logger)
    {
        var pinned = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, model.Options.GpuDeviceId, OrtMemType.CpuOutput);
        try
        {
            return (pinned, new OrtAllocator(model.Session, pinned));
        }
        catch (OnnxRuntimeException e)
        {
            pinned.Dispose();
            logger.LogInformation("Model {Model}: no pinned host memory on CUDA device {Device} ({Reason}); batches are staged through ordinary memory", model.Name, model.Options.GpuDeviceId, e.Message);
            return (null, OrtAllocator.DefaultInstance);
        }
    }
}
