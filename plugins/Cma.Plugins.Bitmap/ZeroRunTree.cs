using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Bitmap;

/// <summary>
/// The bitmap (bit i set = unit i of the region in use) and a summary tree over its blocks of
/// <see cref="BlockWords"/> words, each node holding the <see cref="ZeroRuns"/> of its stretch. Every inner node
/// has <see cref="Fan"/> children, so a region of 2^20 bits (4096 blocks) has 4 levels above the leaves instead
/// of a binary tree's 12. Searches walk the tree (O(Fan · log_Fan blocks)) and then scan one block a word at a
/// time; updates rewrite the touched words, re-summarise the touched blocks and recombine their ancestors
/// (O(touched words + Fan · log_Fan blocks)), stopping at the first level where nothing changed.
/// </summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>Words per block (a leaf of the summary tree). 4 words = 256 bits: short scans and cheap re-summaries
    /// (with the 8-ary tree, 2- and 8-word blocks measured the same on workload A; 16-word blocks under the old
    /// binary tree were 10–20 % slower, see docs/benchmarks.md).</summary>
    public const int BlockWords = 4;

    /// <summary>Bits per block.</summary>
    public const int BlockBits = BlockWords * 64;

    /// <summary>log2(<see cref="BlockBits"/>).</summary>
    private const int BlockShift = 8;

    /// <summary>log2(<see cref="Fan"/>).</summary>
    private const int FanShift = 3;

    /// <summary>Children per inner node of the summary tree: 8, one 256-bit vector of <see cref="uint"/> per field
    /// (ZeroRunTree.Nodes.cs relies on Fan = Vector256&lt;uint&gt;.Count)
    /// (on workload A: binary 140 ns/op, 8-ary with vectors 120; 16-ary with 512-bit vectors 136, see README.md).</summary>
    public const int Fan = 1 << FanShift;

    /// <summary>The largest bit count supported: 2^31, so that every run length fits a <see cref="uint"/>.</summary>
    public const long MaxBits = 1L << 31;

    /// <summary>The bitmap: bit i lives in word i / 64 at position i % 64; 1 = in use. Bits at and past
    /// <see cref="_bitCount"/> (the tail of the last block) are always 1, so no run reaches past the end.</summary>
    private readonly ulong[] _words;

    /// <summary>The summary tree, level by level from the leaves (level 0, leaf b summarises block b) to the root:
    /// node i of level l is entry n = <c>_levelStart[l] + i</c>, its children are nodes Fan·i .. Fan·i + Fan - 1 of
    /// level l - 1. Entries are stored by groups of <see cref="Fan"/> siblings, each group as its Fan prefixes, then
    /// its Fan suffixes, then its Fan longest runs (see <see cref="Slot"/>), so that a node's children load as three
    /// vectors from about two cache lines. Every level is padded to a multiple of <see cref="Fan"/> with (0, 0, 0)
    /// nodes (never free). Every real leaf equals <see cref="Summarize"/> of its block; every real inner node is
    /// <see cref="Gather"/> of its children.</summary>
    private readonly uint[] _runs;

    /// <summary>Where each level starts among the tree's entries (multiples of <see cref="Fan"/>); entry
    /// <see cref="_height"/> + 1 is the number of entries, a third of <see cref="_runs"/>'s length.</summary>
    private readonly int[] _levelStart;

    /// <summary>For each real block, a lower bound (at least 1 when the block has a free bit) on how many free
    /// runs inside it are as long as its longest: while it is 2 or more, cutting one of them leaves the longest
    /// unchanged, so the block need not be re-summarised.</summary>
    private readonly ushort[] _longestCount;

    /// <summary>The root's level: 0 when there is one block, else ceil(log_Fan(blocks)).</summary>
    private readonly int _height;

    /// <summary>Number of real blocks (those backed by words).</summary>
    private readonly int _blockCount;

    /// <summary>Number of bits the bitmap tracks; positive, at most <see cref="MaxBits"/>.</summary>
    private readonly long _bitCount;

    /// <summary>Creates a bitmap of <paramref name="bitCount"/> free bits.</summary>
    public ZeroRunTree(long bitCount)
    {
        Debug.Assert(bitCount > 0 && bitCount <= MaxBits);
        _bitCount = bitCount;
        _blockCount = (int)((bitCount + BlockBits - 1) >> BlockShift);
        for (long n = _blockCount; n > 1; n = (n + Fan - 1) >> FanShift)
            _height++;
        _levelStart = new int[_height + 2];
        for (int level = 0; level <= _height; level++)
        {
            long real = RealNodes(level);
            _levelStart[level + 1] = _levelStart[level] + (int)((real + Fan - 1) & ~(long)(Fan - 1));
        }
        _words = new ulong[(long)_blockCount * BlockWords];
        _runs = new uint[3 * _levelStart[_height + 1]];
        _longestCount = new ushort[_blockCount];
        Array.Fill(_longestCount, (ushort)1);
        if ((bitCount & 63) != 0)
            _words[bitCount >> 6] = ~0UL << (int)(bitCount & 63);
        for (long w = (bitCount + 63) >> 6; w < _words.Length; w++)
            _words[w] = ~0UL;
        for (int b = 0; b < _blockCount - 1; b++)
            Put(0, b, ZeroRuns.Free(BlockBits));
        Put(0, _blockCount - 1, Summarize(_blockCount - 1, out _longestCount[_blockCount - 1]));
        for (int level = 1; level <= _height; level++)
        {
            for (long i = RealNodes(level) - 1; i >= 0; i--)
                Put(level, i, Gather(level, i));
        }
    }

    /// <summary>Number of bits tracked.</summary>
    public long BitCount => _bitCount;

    /// <summary>The longest run of zero bits anywhere. O(1).</summary>
    public uint Longest => _runs[Slot(_levelStart[_height]) + 2 * Fan];

    /// <summary>Bytes held: the bitmap plus the summary tree.</summary>
    public long MemoryBytes => (long)_words.Length * sizeof(ulong) + (long)_runs.Length * sizeof(uint) + (long)_longestCount.Length * sizeof(ushort) + (long)_levelStart.Length * sizeof(int);

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
            if (low + high < 62 && 62 - low - high > longest && 64 - BitOperations.PopCount(x) > longest)
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

    /// <summary>Number of real (not padding) nodes on <paramref name="level"/>: the blocks, then ceil(/ Fan) per level.
    /// E.g. 4097 blocks, Fan 8: 4097, 513, 65, 9, 2, 1.</summary>
    private long RealNodes(int level)
    {
        long n = _blockCount;
        for (int l = 0; l < level; l++)
            n = (n + Fan - 1) >> FanShift;
        return n;
    }

    /// <summary>Length in bits of the stretch under a node of <paramref name="level"/>.
    /// E.g. Fan 8: level 0 → 256 bits, level 2 → 16384 bits.</summary>
    private static long LengthAt(int level) => (long)BlockBits << (FanShift * level);

    /// <summary>First bit of the stretch under node <paramref name="index"/> of <paramref name="level"/>.
    /// E.g. Fan 8: level 1, node 3 → 3 · 2048 = 6144.</summary>
    private static long StartOf(int level, long index) => index << (BlockShift + FanShift * level);

    /// <summary>The bitmap is inconsistent with itself: fail loudly.</summary>
    private static InvalidOperationException Corrupt(string what) => new($"Bitmap corruption: {what}.");
}
