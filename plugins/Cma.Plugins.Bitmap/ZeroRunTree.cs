using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// (the block sizes tried are in docs/benchmarks.md).</summary>
    public const int BlockWords = 4;

    /// <summary>Bits per block.</summary>
    public const int BlockBits = BlockWords * 64;

    /// <summary>log2(<see cref="BlockBits"/>).</summary>
    private const int BlockShift = 8;

    /// <summary>log2(<see cref="Fan"/>).</summary>
    private const int FanShift = 3;

    /// <summary>Children per inner node of the summary tree: 8, one 256-bit vector of <see cref="uint"/> per field
    /// (ZeroRunTree.Nodes.cs relies on Fan = Vector256&lt;uint&gt;.Count; the fans tried are in docs/benchmarks.md).</summary>
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

    /// <summary>Whether <paramref name="bit"/> lies in the bitmap and is free; false outside it.</summary>
    public bool IsFree(long bit) => bit >= 0 && bit < _bitCount && (_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0;

    /// <summary>The zero runs of block <paramref name="block"/> and a lower bound (at least 1 if any bit is free, else
    /// exactly 1) on how many runs are as long as the longest. The runs that end at a word's lowest set bit or at the
    /// block's end come from TZCNT/LZCNT and a carry, with masks instead of branches (written out for the
    /// <see cref="BlockWords"/> = 4 words); a word's inner runs (between its lowest and highest set bits) are
    /// measured only when they hold more free bits than that longest (<see cref="CountInner"/>).</summary>
    private ZeroRuns Summarize(int block, out ushort longestCount)
    {
        Debug.Assert(BlockWords == 4);
        ref ulong words = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_words), (nint)block * BlockWords);
        ulong x0 = words, x1 = Unsafe.Add(ref words, 1), x2 = Unsafe.Add(ref words, 2), x3 = Unsafe.Add(ref words, 3);
        if ((x0 | x1 | x2 | x3) == 0)
        {
            longestCount = 1;
            return ZeroRuns.Free(BlockBits);
        }
        // run_i: the free bits ending at word i's lowest set bit (or its end if it has none); used_i: all ones when
        // word i has a set bit; carry_i: the free bits at word i's end.
        uint used0 = Used(x0), used1 = Used(x1), used2 = Used(x2), used3 = Used(x3);
        uint run0 = (uint)BitOperations.TrailingZeroCount(x0);
        uint carry0 = ((uint)BitOperations.LeadingZeroCount(x0) & used0) | (run0 & ~used0);
        uint run1 = carry0 + (uint)BitOperations.TrailingZeroCount(x1);
        uint carry1 = ((uint)BitOperations.LeadingZeroCount(x1) & used1) | (run1 & ~used1);
        uint run2 = carry1 + (uint)BitOperations.TrailingZeroCount(x2);
        uint carry2 = ((uint)BitOperations.LeadingZeroCount(x2) & used2) | (run2 & ~used2);
        uint run3 = carry2 + (uint)BitOperations.TrailingZeroCount(x3);
        uint suffix = ((uint)BitOperations.LeadingZeroCount(x3) & used3) | (run3 & ~used3);
        run0 &= used0;
        run1 &= used1;
        run2 &= used2;
        run3 &= used3;
        uint longest = Math.Max(Math.Max(Math.Max(run0, run1), Math.Max(run2, run3)), suffix);
        // The prefix is the run ending at the first word with a set bit (the words before it are wholly free).
        uint prefix = run0 | (run1 & ~used0) | (run2 & ~(used0 | used1)) | (run3 & ~(used0 | used1 | used2));
        uint count = Same(run0, longest) + Same(run1, longest) + Same(run2, longest) + Same(run3, longest) + Same(suffix, longest);
        if (longest < 62)
        {
            CountInner(x0, ref longest, ref count);
            CountInner(x1, ref longest, ref count);
            CountInner(x2, ref longest, ref count);
            CountInner(x3, ref longest, ref count);
        }
        longestCount = longest == 0 ? (ushort)1 : (ushort)count;
        return new ZeroRuns(prefix, suffix, longest);
    }

    /// <summary>All ones when <paramref name="x"/> has a set bit, else 0 (without a branch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Used(ulong x) => 0u - (uint)((x | (0 - x)) >> 63);

    /// <summary>1 when <paramref name="a"/> == <paramref name="b"/> (both below 2^31), else 0 (without a branch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Same(uint a, uint b) => ((a ^ b) - 1) >> 31;

    /// <summary>Counts the longest inner run of word <paramref name="x"/> (strictly between its lowest and highest set
    /// bits) towards <paramref name="longest"/> and <paramref name="count"/>, if it has more free bits than the
    /// longest so far (so equal inner runs may go uncounted: the count stays a lower bound).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountInner(ulong x, ref uint longest, ref uint count)
    {
        ulong inner = ~x & (~0UL << BitOperations.TrailingZeroCount(x)) & (~0UL >> BitOperations.LeadingZeroCount(x));
        if (x == 0 || (uint)BitOperations.PopCount(inner) <= longest)
            return;
        uint run = LongestOnes(inner);
        if (run > longest)
        {
            longest = run;
            count = 1;
        }
        else if (run == longest)
        {
            count++;
        }
    }

    /// <summary>The longest run of one bits in <paramref name="z"/>, by binary lifting: z_k (bit p set when bits
    /// p .. p + k - 1 are all ones) for k = 2, 4, …, 32, then a greedy binary search for the length, six steps
    /// whatever the word. The search keeps the bits where a run of the length found so far <em>ends</em>, so each step
    /// tests them against a fixed shift of z_k and moves them by a constant: the chain from one step to the next is an
    /// AND and a conditional move, not a shift by the length found. E.g. 0b0111_0011_1110 → 5 (bits 1–5).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static uint LongestOnes(ulong z)
    {
        if (z == 0)
            return 0;
        ulong z2 = z & (z >> 1), z4 = z2 & (z2 >> 2), z8 = z4 & (z4 >> 4), z16 = z8 & (z8 >> 8), z32 = z16 & (z16 >> 16);
        // ends: the bits where a run of `length` ones ends; a run of length + k ends k bits further exactly where the
        // k bits after such an end are all ones (bit q + 1 of z_k, i.e. bit q of z_k >> 1).
        ulong ends = z;
        uint length = 1;
        Extend(z32 >> 1, 32, ref ends, ref length);
        Extend(z16 >> 1, 16, ref ends, ref length);
        Extend(z8 >> 1, 8, ref ends, ref length);
        Extend(z4 >> 1, 4, ref ends, ref length);
        Extend(z2 >> 1, 2, ref ends, ref length);
        Extend(z >> 1, 1, ref ends, ref length);
        return length;
    }

    /// <summary>One step of <see cref="LongestOnes"/>: <paramref name="ends"/> holds the bits where a run of
    /// <paramref name="length"/> ones ends; where <paramref name="next"/> (z_step &gt;&gt; 1) shows that
    /// <paramref name="step"/> more ones follow, if anywhere, the ends move <paramref name="step"/> bits up and the
    /// length grows by it (conditional moves, no branch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Extend(ulong next, int step, ref ulong ends, ref uint length)
    {
        ulong longer = ends & next, moved = longer << step;
        length += (uint)((longer | (0 - longer)) >> 63) * (uint)step;
        ends = longer != 0 ? moved : ends;
    }

    /// <summary>Start of the first run of at least <paramref name="count"/> (&lt; 64) zero bits that lies wholly
    /// inside <paramref name="x"/>, or -1 (the lowest bit of <see cref="WindowInsideWord"/>).
    /// E.g. x = 0b1000_0110_0001, count 4: the runs of four zeros start at bits 1 (bits 1–4) and 12 on → 1.</summary>
    private static int FindInsideWord(ulong x, long count)
    {
        ulong window = WindowInsideWord(x, count);
        return window == 0 ? -1 : BitOperations.TrailingZeroCount(window);
    }

    /// <summary>The bits p of <paramref name="x"/> where a run of <paramref name="count"/> (&lt; 64) zero bits that lies
    /// wholly inside the word starts (bits p .. p + count - 1 all zero), without a loop over its runs or a branch on the
    /// count: z_(2^k) (bit p set when bits p .. p + 2^k - 1 of x are all zero) is built by doubling, and for each bit
    /// 2^k of the count the next 2^k bits of the window are required (z_(a+b) = z_a &amp; (z_b &gt;&gt; a)), six fixed
    /// steps. E.g. x = 0b1000_0110_0001 (bits 12–63 zero), count 4: bits 1 and 12 .. 60.</summary>
    private static ulong WindowInsideWord(ulong x, long count)
    {
        Debug.Assert(count is > 0 and < 64);
        ulong runs = ~x, window = ~0UL;
        int offset = 0;
        for (int k = 0; k < 6; k++)
        {
            ulong take = 0 - (ulong)((count >> k) & 1);
            window &= (runs >> offset) | ~take;
            offset += (1 << k) & (int)take;
            runs &= runs >> (1 << k);
        }
        return window;
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
