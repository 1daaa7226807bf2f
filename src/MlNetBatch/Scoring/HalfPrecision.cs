using Microsoft.ML.OnnxRuntime;

namespace MlNetBatch.Scoring;

/// <summary>Converts between the <c>float</c> columns and the float16/bfloat16 tensors of half-precision models.</summary>
internal static class HalfPrecision
{
    /// <summary>Rounds <paramref name="source"/> to half precision into <paramref name="destination"/> (element type <see cref="Float16"/> or <see cref="BFloat16"/>).</summary>
    public static void Narrow(ReadOnlySpan<float> source, Array destination)
    {
        switch (destination)
        {
            case Float16[] half:
                // System.Half rounds to nearest even, as IEEE requires; the bits are the same as ONNX's float16.
                var halfSpan = half.AsSpan(0, source.Length);
                for (var i = 0; i < source.Length; i++)
                {
                    halfSpan[i] = new Float16(BitConverter.HalfToUInt16Bits((Half)source[i]));
                }

                break;
            case BFloat16[] brain:
                var brainSpan = brain.AsSpan(0, source.Length);
                for (var i = 0; i < source.Length; i++)
                {
                    brainSpan[i] = (BFloat16)source[i];
                }

                break;
            default:
                throw new ArgumentException($"Cannot narrow floats into {destination.GetType().Name}.", nameof(destination));
        }
    }

    /// <summary>Widens half-precision values (a <see cref="Float16"/> or <see cref="BFloat16"/> span) to floats; exact.</summary>
    public static void Widen(ReadOnlySpan<Float16> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)BitConverter.UInt16BitsToHalf(source[i].value);
        }
    }

    /// <inheritdoc cref="Widen(ReadOnlySpan{Float16}, Span{float})"/>
    public static void Widen(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            // bfloat16 is the top half of a float's bits.
            destination[i] = BitConverter.Int32BitsToSingle(source[i].value << 16);
        }
    }
}
