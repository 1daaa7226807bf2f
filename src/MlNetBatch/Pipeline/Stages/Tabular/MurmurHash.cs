using System.Numerics;
using System.Runtime.CompilerServices;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// The MurmurHash3 (x86, 32-bit) that ML.NET's <c>Hashing</c> transform uses (its "V2", which matches ONNX Runtime's
/// MurmurHash operator), kept internal by ML.NET. The equality tests against the stock transform guard every step.
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

    /// <summary>The final avalanche with the hashed length folded in, as MurmurHash3 ends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix(uint hash, int length) => Mix(hash ^ (uint)length);

    /// <summary>
    /// ML.NET's <c>MurmurHashV2</c> of <paramref name="text"/>: MurmurHash3 over a UTF-8 rendering built one UTF-16
    /// unit at a time, with ML.NET's byte reordering after each multi-byte character (which differs from true UTF-8
    /// when such a character does not start the pending bytes). Reproduced step for step, so the keys match.
    /// </summary>
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
                current = ((current & 0xFF) << 8) | (current >> 8);
                bits += 16;
            }
            else
            {
                current |= (ulong)((ch & 0x003F) | ((ch << 2) & 0x3F00) | ((ch << 4) & 0x0F0000) | 0xE08080) << bits;
                current = ((current & 0xFF) << 16) | (((current >> 8) & 0xFF) << 8) | (current >> 16);
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

        length += bits / 8;
        // MurmurHash3's tail: the last one to three bytes, mixed without the round's rotation of the hash.
        if ((length & 3) != 0)
        {
            var k = (uint)(current & 0xFFFFFF);
            k *= 0xCC9E2D51;
            k = BitOperations.RotateLeft(k, 15);
            k *= 0x1B873593;
            hash ^= k;
        }

        return Mix(hash, length);
    }
}
