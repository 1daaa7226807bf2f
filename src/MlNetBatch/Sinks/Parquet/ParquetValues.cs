using System.Runtime.CompilerServices;
using ParquetSharp;

namespace MlNetBatch.Sinks.Parquet;

/// <summary>
/// Hands values to Arrow's physical column writers. Parquet has no 8- or 16-bit storage: byte, sbyte and short values
/// are widened into an int32 scratch array first; every other type goes through as it is.
/// </summary>
internal static class ParquetValues
{
    /// <summary>Whether <typeparamref name="T"/> is stored widened to int32.</summary>
    public static bool IsNarrow<T>() => typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte) || typeof(T) == typeof(short);

    /// <summary>Writes values (and, for lists, their levels); <paramref name="scratch"/> is reused between calls.</summary>
    public static void Write<T>(ColumnWriter writer, ReadOnlySpan<T> values, ReadOnlySpan<short> definitions, ReadOnlySpan<short> repetitions, int levels, ref int[] scratch)
        where T : unmanaged
    {
        if (!IsNarrow<T>())
        {
            if (levels < 0)
            {
                ((ColumnWriter<T>)writer).WriteBatch(values);
            }
            else
            {
                ((ColumnWriter<T>)writer).WriteBatch(levels, definitions, repetitions, values);
            }

            return;
        }

        if (scratch.Length < values.Length)
        {
            scratch = new int[Math.Max(values.Length, scratch.Length * 2)];
        }

        var wide = scratch.AsSpan(0, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            wide[i] = Widen(values[i]);
        }

        if (levels < 0)
        {
            ((ColumnWriter<int>)writer).WriteBatch(wide);
        }
        else
        {
            ((ColumnWriter<int>)writer).WriteBatch(levels, definitions, repetitions, wide);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Widen<T>(T value) =>
        typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref value)
        : typeof(T) == typeof(sbyte) ? Unsafe.As<T, sbyte>(ref value)
        : Unsafe.As<T, short>(ref value);
}
