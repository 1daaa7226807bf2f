using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Samples.Generator;
using MlNetBatch.Scoring;
using Onnx;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// ResNet18 alone: ONNX Runtime on an open-batch copy of the model with the job's session settings and every core,
/// over tensors decoded and packed beforehand. The job's limit.
/// </summary>
internal sealed class ResNetInferenceOnly : IDisposable
{
    private const int Side = 224;
    private const int TensorSize = 3 * Side * Side;
    private readonly InferenceSession _session;
    private readonly float[][] _tensors;
    private readonly RunOptions _runOptions = new();

    public ResNetInferenceOnly(string modelPath, float[][] tensors)
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        proto.Graph.SetDim();
        // Every core, said outright: ONNX Runtime's own default counts physical cores as it detects them, and on some
        // virtual machines here it ran one thread, which would make a limit that a job on both cores passes.
        _session = OnnxSessionFactory.Create(proto.ToByteArray(), "resnet18", new ScoreOnnxOptions { Device = OnnxDevice.Cpu, IntraOpThreads = Environment.ProcessorCount }, NullLogger.Instance, out _);
        _tensors = tensors;
    }

    /// <summary>Batches of <paramref name="batch"/> of the decoded tensors, packed and run once (outside any timing).</summary>
    public Packed Pack(int batch)
    {
        var packed = new Packed(this, _tensors.Chunk(batch).Select(chunk =>
        {
            var values = new float[chunk.Length * TensorSize];
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i].CopyTo(values, i * TensorSize);
            }

            return (Rows: chunk.Length, Value: OrtValue.CreateTensorValueFromMemory(values, [chunk.Length, 3, Side, Side]));
        }).ToList());
        packed.Score(1);
        return packed;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void Run(OrtValue input)
    {
        using var output = _session.Run(_runOptions, [ImageSamples.ResNetInput], [input], [ImageSamples.ResNetOutput]);
    }

    /// <summary>Packed batches of one size.</summary>
    internal sealed class Packed(ResNetInferenceOnly owner, List<(int Rows, OrtValue Value)> batches) : IDisposable
    {
        /// <summary>
        /// Scores at least <paramref name="images"/> images, going round the decoded tensors as often as it takes (the
        /// rate does not depend on the pixels); returns how many it scored.
        /// </summary>
        public int Score(int images)
        {
            var scored = 0;
            while (scored < images)
            {
                foreach (var (rows, value) in batches)
                {
                    if (scored >= images)
                    {
                        break;
                    }

                    owner.Run(value);
                    scored += rows;
                }
            }

            return scored;
        }

        public void Dispose() => batches.ForEach(b => b.Value.Dispose());
    }
}
