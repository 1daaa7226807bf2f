using System.Numerics;
using System.Runtime.CompilerServices;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// The MurmurHash3 (x86, 32-bit) rounds ML.NET's <c>Hashing</c> transform uses, which ML.NET keeps internal. Text is
/// hashed over ML.NET's own UTF-8 rendering of its characters (one to three bytes per UTF-16 unit, surrogates
/// encoded one by one), so the keys equal the stock transform's; the equality tests guard that.
/// </summary>
internal static class MurmurHash
{
    /// <summary>One round: mixes <paramref name="chunk"/> into <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Round(uint hash, uint chunk)
    {
        chunk *= 0xCC9E2D51;
        chunk = BitOperations.RotateLeft(chunk, 15);
        chunk *= 0x1B873593;
        hash ^= chunk;
        hash = BitOperations.RotateLeft(hash, 13);
        return (hash * 5) + 0xE6546B64;
    }

    /// <summary>The final avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return hash;
    }

    /// <summary>The hash of <paramref name="text"/>'s pseudo-UTF-8 bytes, its length folded in, as ML.NET computes it.</summary>
    public static uint Text(uint hash, ReadOnlySpan<char> text)
    {
        var length = 0;
        ulong current = 0;
        var bits = 0;
        foreach (uint ch in text)
        {
            if (ch <= 0x007F)
            {
                current |= (ulong)ch << bits;
                bits += 8;
            }
            else if (ch <= 0x07FF)
            {
                current |= (ulong)((ch & 0x003F) | ((ch << 2) & 0x1F00) | 0xC080) << bits;
                bits += 16;
            }
            else
            {
                current |= (ulong)((ch & 0x003F) | ((ch << 2) & 0x3F00) | ((ch << 4) & 0x0F0000) | 0xE08080) << bits;
                bits += 24;
            }

            if (bits >= 32)
            {
                hash = Round(hash, (uint)current);
                current >>= 32;
                bits -= 32;
                length += 4;
            }
        }

        if (bits > 0)
        {
            hash = Round(hash, (uint)current);
            length += bits / 8;
        }

        return Mix(Round(hash, (uint)length));
    }
}
