using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// A bitmap that finds the nearest set bit on either side of a position in a few bit scans, however sparse it is: each
/// 64-bit word has a bit in a summary level (set exactly when the word is not zero), and each summary word a bit in a
/// second summary level. E.g. set bits 3 and 70,000: <c>Next(4)</c> finds nothing above bit 3 in word 0, nothing
/// above word 0 in summary word 0, then summary word 17 through the second level, and bit 70,000 in word 1,093.
/// Memory: length / 8 bytes plus 1/64 of that. The lengths used here (≤ 2^25 + 2 bits) leave at most 128 words of
/// the second level to scan in the worst case.
/// A mutable struct kept in a field of its owner (so the arrays are read without another object in between).
/// </summary>
internal struct SummarizedBitmap
{
    /// <summary>The bits.</summary>
    private readonly ulong[] _bits;

    /// <summary>Bit w % 64 of word w / 64 is set exactly when <see cref="_bits"/>[w] is not zero.</summary>
    private readonly ulong[] _words;

    /// <summary>Bit v % 64 of word v / 64 is set exactly when <see cref="_words"/>[v] is not zero.</summary>
    private readonly ulong[] _groups;

    /// <summary>An empty bitmap of <paramref name="length"/> bits (positive).</summary>
    public SummarizedBitmap(int length)
    {
        _bits = new ulong[(length + 63) >> 6];
        _words = new ulong[(_bits.Length + 63) >> 6];
        _groups = new ulong[(_words.Length + 63) >> 6];
    }

    /// <summary>Whether bit <paramref name="i"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool IsSet(int i) => (_bits[i >> 6] & (1UL << i)) != 0;

    /// <summary>Sets bit <paramref name="i"/> and its summary bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Set(int i)
    {
        _bits[i >> 6] |= 1UL << i;
        _words[i >> 12] |= 1UL << (i >> 6);
        _groups[i >> 18] |= 1UL << (i >> 12);
    }

    /// <summary>Clears bit <paramref name="i"/>, and the summary bits of the words it leaves empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Clear(int i)
    {
        int w = i >> 6;
        if ((_bits[w] &= ~(1UL << i)) == 0 && (_words[w >> 6] &= ~(1UL << w)) == 0)
            _groups[w >> 12] &= ~(1UL << (w >> 6));
    }

    /// <summary>The first set bit at or after <paramref name="i"/> (≥ 0), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Next(int i)
    {
        int w = i >> 6;
        if (w >= _bits.Length)
            return -1;
        ulong bits = _bits[w] & (~0UL << i);
        if (bits != 0)
            return (w << 6) + BitOperations.TrailingZeroCount(bits);
        w = NextWord(w + 1);
        return w < 0 ? -1 : (w << 6) + BitOperations.TrailingZeroCount(_bits[w]);
    }

    /// <summary>The last set bit at or before <paramref name="i"/> (below the length), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Previous(int i)
    {
        if (i < 0)
            return -1;
        int w = i >> 6;
        ulong bits = _bits[w] & (~0UL >> (63 - (i & 63)));
        if (bits != 0)
            return (w << 6) + 63 - BitOperations.LeadingZeroCount(bits);
        w = PreviousWord(w - 1);
        return w < 0 ? -1 : (w << 6) + 63 - BitOperations.LeadingZeroCount(_bits[w]);
    }

    /// <summary>The first non-zero word at or after word <paramref name="w"/>, or -1.</summary>
    private readonly int NextWord(int w)
    {
        if (w >= _bits.Length)
            return -1;
        int v = w >> 6;
        ulong words = _words[v] & (~0UL << w);
        if (words == 0)
        {
            if (++v >= _words.Length)
                return -1;
            int g = v >> 6;
            ulong groups = _groups[g] & (~0UL << v);
            while (groups == 0)
            {
                if (++g >= _groups.Length)
                    return -1;
                groups = _groups[g];
            }
            v = (g << 6) + BitOperations.TrailingZeroCount(groups);
            words = _words[v];
        }
        return (v << 6) + BitOperations.TrailingZeroCount(words);
    }

    /// <summary>The last non-zero word at or before word <paramref name="w"/>, or -1.</summary>
    private readonly int PreviousWord(int w)
    {
        if (w < 0)
            return -1;
        int v = w >> 6;
        ulong words = _words[v] & (~0UL >> (63 - (w & 63)));
        if (words == 0)
        {
            if (--v < 0)
                return -1;
            int g = v >> 6;
            ulong groups = _groups[g] & (~0UL >> (63 - (v & 63)));
            while (groups == 0)
            {
                if (--g < 0)
                    return -1;
                groups = _groups[g];
            }
            v = (g << 6) + 63 - BitOperations.LeadingZeroCount(groups);
            words = _words[v];
        }
        return (v << 6) + 63 - BitOperations.LeadingZeroCount(words);
    }
}
