using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Bitmap;

/// <summary>
/// The bitmap (bit i set = unit i of the region in use) and a summary tree over its blocks of
/// <see cref="BlockWords"/> words, each node holding the <see cref="ZeroRuns"/> of its stretch. Searches walk the
/// tree (O(log blocks)) and then scan one block a word at a time; updates rewrite the touched words, re-summarise
/// the touched blocks and recombine their ancestors (O(touched words + log blocks)).
/// </summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>Words per block (a leaf of the summary tree). 4 words = 256 bits: short scans and cheap re-summaries (16-word blocks measured 10–20 % slower on workloads A and B, see docs/benchmarks.md).</summary>
    public const int BlockWords = 4;

    /// <summary>Bits per block.</summary>
    public const int BlockBits = BlockWords * 64;

    /// <summary>log2(<see cref="BlockBits"/>).</summary>
    private const int BlockShift = 8;

    /// <summary>The largest bit count supported: 2^31, so that every run length fits a <see cref="uint"/>.</summary>
    public const long MaxBits = 1L << 31;

    /// <summary>The bitmap: bit i lives in word i / 64 at position i % 64; 1 = in use. Bits at and past
    /// <see cref="_bitCount"/> (the tail of the last block) are always 1, so no run reaches past the end.</summary>
    private readonly ulong[] _words;

    /// <summary>The summary tree in heap order: node 1 is the root, node k has children 2k and 2k + 1, leaf
    /// <c>_leafCount + b</c> summarises block b. Padding leaves past the last block are (0, 0, 0) (never free).
    /// Every leaf equals <see cref="Summarize"/> of its block; every inner node is the
    /// <see cref="ZeroRuns.Combine"/> of its children.</summary>
    private readonly ZeroRuns[] _nodes;

    /// <summary>For each real block, a lower bound (at least 1 when the block has a free bit) on how many free
    /// runs inside it are as long as its longest: while it is 2 or more, cutting one of them leaves the longest
    /// unchanged, so the block need not be re-summarised.</summary>
    private readonly ushort[] _longestCount;

    /// <summary>Number of leaves: the block count rounded up to a power of two.</summary>
    private readonly int _leafCount;

    /// <summary>log2(<see cref="_leafCount"/>): how many levels the root sits above the leaves.</summary>
    private readonly int _height;

    /// <summary>Number of real blocks (those backed by words); at most <see cref="_leafCount"/>.</summary>
    private readonly int _blockCount;

    /// <summary>Number of bits the bitmap tracks; positive, at most <see cref="MaxBits"/>.</summary>
    private readonly long _bitCount;

    /// <summary>Creates a bitmap of <paramref name="bitCount"/> free bits.</summary>
    public ZeroRunTree(long bitCount)
    {
        Debug.Assert(bitCount > 0 && bitCount <= MaxBits);
        _bitCount = bitCount;
        _blockCount = (int)((bitCount + BlockBits - 1) >> BlockShift);
        _leafCount = (int)BitOperations.RoundUpToPowerOf2((uint)_blockCount);
        _height = BitOperations.Log2((uint)_leafCount);
        _words = new ulong[(long)_blockCount * BlockWords];
        _nodes = new ZeroRuns[2 * _leafCount];
        _longestCount = new ushort[_blockCount];
        Array.Fill(_longestCount, (ushort)1);
        if ((bitCount & 63) != 0)
            _words[bitCount >> 6] = ~0UL << (int)(bitCount & 63);
        for (long w = (bitCount + 63) >> 6; w < _words.Length; w++)
            _words[w] = ~0UL;
        for (int b = 0; b < _blockCount - 1; b++)
            _nodes[_leafCount + b] = ZeroRuns.Free(BlockBits);
        _nodes[_leafCount + _blockCount - 1] = Summarize(_blockCount - 1, out _longestCount[_blockCount - 1]);
        for (int k = _leafCount - 1; k >= 1; k--)
            _nodes[k] = ZeroRuns.Combine(_nodes[2 * k], _nodes[2 * k + 1], LengthOf(2 * k));
    }

    /// <summary>Number of bits tracked.</summary>
    public long BitCount => _bitCount;

    /// <summary>The longest run of zero bits anywhere. O(1).</summary>
    public uint Longest => _nodes[1].Longest;

    /// <summary>Bytes held: the bitmap plus the summary tree.</summary>
    public long MemoryBytes => (long)_words.Length * sizeof(ulong) + (long)_nodes.Length * 12 + (long)_longestCount.Length * sizeof(ushort);

    /// <summary>Whether <paramref name="bit"/> lies in the bitmap and is free; false outside it.</summary>
    public bool IsFree(long bit) => bit >= 0 && bit < _bitCount && (_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0;

    /// <summary>The zero runs of block <paramref name="block"/>, read a word at a time, and a lower bound
    /// (at least 1 if any bit is free) on how many runs are as long as the longest.</summary>
    private ZeroRuns Summarize(int block, out ushort longestCount)
    {
        ReadOnlySpan<ulong> words = new(_words, block * BlockWords, BlockWords);
        uint run = 0, longest = 0, prefix = uint.MaxValue;
        ushort count = 0;
        foreach (ulong x in words)
        {
            if (x == 0)
            {
                run += 64;
                continue;
            }
            uint low = (uint)BitOperations.TrailingZeroCount(x), high = (uint)BitOperations.LeadingZeroCount(x);
            run += low;
            if (prefix == uint.MaxValue)
                prefix = run;
            Count(run, ref longest, ref count);
            if (62 - low - high > longest && low + high < 62)
                Count(LongestInsideWord(x), ref longest, ref count);
            run = high;
        }
        Count(run, ref longest, ref count);
        longestCount = Math.Max(count, (ushort)1);
        return prefix == uint.MaxValue ? ZeroRuns.Free(BlockBits) : new ZeroRuns(prefix, run, longest);
    }

    /// <summary>Counts a run of <paramref name="run"/> free bits towards the longest and how many are that long.</summary>
    private static void Count(uint run, ref uint longest, ref ushort count)
    {
        if (run > longest)
        {
            longest = run;
            count = 1;
        }
        else if (run == longest && run != 0)
        {
            count++;
        }
    }

    /// <summary>The longest zero run strictly between set bits of <paramref name="x"/> (x != 0).
    /// E.g. 0b1000_0110_0001: runs of 4 and 3 inside, so 4.</summary>
    private static uint LongestInsideWord(ulong x)
    {
        uint best = 0;
        ulong y = x >> BitOperations.TrailingZeroCount(x);
        while (true)
        {
            int ones = BitOperations.TrailingZeroCount(~y);
            if (ones == 64)
                return best;
            y >>= ones;
            if (y == 0)
                return best;
            int zeros = BitOperations.TrailingZeroCount(y);
            best = Math.Max(best, (uint)zeros);
            y >>= zeros;
        }
    }

    /// <summary>Start of the first run of at least <paramref name="count"/> (&lt; 64) zero bits that lies wholly
    /// inside <paramref name="x"/>, or -1, without a loop over its runs: after the loop, bit p of z is set exactly
    /// when bits p .. p + have - 1 of x are all zero (z_(a+b) = z_a &amp; (z_b &gt;&gt; a), doubling have).
    /// E.g. x = 0b1000_0110_0001, count 4: z ends as 0b...0111_1000_0001_1110 → first set bit 1.</summary>
    private static int FindInsideWord(ulong x, long count)
    {
        ulong z = ~x;
        for (int have = 1; have < count;)
        {
            int shift = (int)Math.Min(have, count - have);
            z &= z >> shift;
            have += shift;
        }
        return z == 0 ? -1 : BitOperations.TrailingZeroCount(z);
    }

    /// <summary>Length in bits of the stretch under <paramref name="node"/>.
    /// E.g. 4 leaves (height 2): node 1 → 1024 bits, node 5 → 256 bits.</summary>
    private uint LengthOf(int node) => (uint)BlockBits << (_height - BitOperations.Log2((uint)node));

    /// <summary>First bit of the stretch under <paramref name="node"/>.
    /// E.g. 4 leaves: node 3 (second half) → 2048, node 6 → 2048, node 7 → 3072.</summary>
    private long StartOf(int node)
    {
        int depth = BitOperations.Log2((uint)node);
        return (long)(node - (1 << depth)) << (_height - depth + BlockShift);
    }

    /// <summary>The bitmap is inconsistent with itself: fail loudly.</summary>
    private static InvalidOperationException Corrupt(string what) => new($"Bitmap corruption: {what}.");
}
