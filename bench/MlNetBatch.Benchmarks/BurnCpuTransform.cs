using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;
using MlNetBatch.Pipeline;

namespace MlNetBatch.Benchmarks;

/// <summary>A synthetic CPU-heavy block stage: a fixed amount of arithmetic per row on <c>f00</c>, written to <c>burned</c>.</summary>
internal sealed class BurnCpuTransform(int iterationsPerRow) : IBlockTransform
{
    public string Name => "BurnCpu";

    public IReadOnlyList<string> InputColumns => ["f00"];

    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema) => [new("burned", NumberDataViewType.Single)];

    public IBlockMapper CreateMapper(DataViewSchema schema) => new Mapper(schema["f00"].Index, schema["burned"].Index, iterationsPerRow);

    /// <summary>Iterations that cost about <paramref name="microseconds"/> of one core per row.</summary>
    public static int Calibrate(double microseconds)
    {
        const int Probe = 200_000;
        var stopwatch = Stopwatch.StartNew();
        Burn(1f, Probe);
        Burn(1f, Probe);
        stopwatch.Restart();
        Burn(1f, Probe);
        return Math.Max(1, (int)(Probe * microseconds / stopwatch.Elapsed.TotalMicroseconds));
    }

    private static float Burn(float value, int iterations)
    {
        // A dependent chain the JIT cannot fold away or vectorise.
        for (var i = 0; i < iterations; i++)
        {
            value = MathF.FusedMultiplyAdd(value, 0.999f, 0.001f);
        }

        return value;
    }

    private sealed class Mapper(int input, int output, int iterations) : IBlockMapper
    {
        public void Map(RecordBatch block)
        {
            var source = block.Column<ScalarColumnBuffer<float>>(input).Values;
            var target = block.Column<ScalarColumnBuffer<float>>(output).Values;
            for (var r = 0; r < block.RowCount; r++)
            {
                target[r] = Burn(source[r], iterations);
            }
        }
    }
}
