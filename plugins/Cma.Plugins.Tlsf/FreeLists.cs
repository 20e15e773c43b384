using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cma.Plugins.Tlsf;

/// <summary>
/// The free blocks of a TLSF allocator by size: one intrusive doubly-linked list per size class (see
/// <see cref="SizeClasses"/>) over a pooled array of <see cref="FreeBlock"/> records, a two-level bitmap of the
/// non-empty lists (so "the first non-empty list at or above i" is two bit scans), the free granule and block
/// counts, and the size of the largest free block when known. It knows nothing of addresses or merging;
/// <see cref="TlsfAllocator"/> decides what goes in.
/// </summary>
internal sealed partial class FreeLists
{
    /// <summary>No slot: the end of a list, an empty list, an exhausted pool, or "not found".</summary>
    public const int None = -1;

    /// <summary>Second-level bits b: 2^b lists per first level; 1..6.</summary>
    private readonly int _bits;

    /// <summary>The block pool. Slots below <see cref="_highWater"/> are either a free block (linked in the list of its
    /// size class) or unused (linked through <see cref="FreeBlock.Next"/> from <see cref="_unusedSlot"/>); a slot is
    /// rented, filled and linked by the allocator.</summary>
    private FreeBlock[] _blocks;

    /// <summary>Number of slots ever handed out; slots at or above it are untouched.</summary>
    private int _highWater;

    /// <summary>First unused slot below <see cref="_highWater"/>, or <see cref="None"/>.</summary>
    private int _unusedSlot = None;

    /// <summary>Head slot of each list (the most recently linked block), or <see cref="None"/> when the list is empty.</summary>
    private readonly int[] _heads;

    /// <summary>Bit j of word f is set exactly when list (f &lt;&lt; b) + j is non-empty.</summary>
    private readonly ulong[] _secondLevel;

    /// <summary>Bit f is set exactly when word f of <see cref="_secondLevel"/> is non-zero.</summary>
    private ulong _firstLevel;

    /// <summary>The highest non-empty list, whose largest block <see cref="_largest"/> is, or <see cref="None"/> when not
    /// known (that block was unlinked or shrank, or the list emptied, since <see cref="LargestGranules"/> last scanned).
    /// Only this one list is tracked, so linking and unlinking touch no per-list state beyond the head.</summary>
    private int _largestList = None;

    /// <summary>The size of the largest block of <see cref="_largestList"/>, when that is not <see cref="None"/>.</summary>
    private ulong _largest;

    /// <summary>Creates empty lists with <paramref name="bits"/> second-level bits and room for
    /// <paramref name="capacity"/> blocks before the pool grows.</summary>
    public FreeLists(int bits, int capacity)
    {
        Debug.Assert(bits is >= SizeClasses.MinSecondLevelBits and <= SizeClasses.MaxSecondLevelBits);
        _bits = bits;
        int lists = SizeClasses.ListCount(bits);
        _blocks = new FreeBlock[Math.Max(8, capacity)];
        _heads = new int[lists];
        _secondLevel = new ulong[lists >> bits];
        Array.Fill(_heads, None);
    }

    /// <summary>Number of linked (free) blocks.</summary>
    public ulong Count { get; private set; }

    /// <summary>Total granules in linked blocks.</summary>
    public ulong Granules { get; private set; }

    /// <summary>Number of lists.</summary>
    public int ListTotal => _heads.Length;

    /// <summary>The record in <paramref name="slot"/>.</summary>
    /// <remarks>Unchecked: every slot the allocator passes was rented (below the high-water mark), which the Debug
    /// assertion checks; the hot paths read a record or two per operation and the range check is measurable there.</remarks>
    public ref FreeBlock this[int slot]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            Debug.Assert((uint)slot < (uint)_highWater, "a rented slot");
            return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_blocks), slot);
        }
    }

    /// <summary>The head slot of <paramref name="list"/>, or <see cref="None"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Head(int list) => _heads[list];

    /// <summary>A slot for a new block <c>[start, end)</c>, not yet linked; the pool doubles when full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Rent(ulong start, ulong end)
    {
        int slot = _unusedSlot;
        if (slot != None)
        {
            _unusedSlot = _blocks[slot].Next;
        }
        else
        {
            if (_highWater == _blocks.Length)
                Array.Resize(ref _blocks, _blocks.Length * 2);
            slot = _highWater++;
        }
        ref FreeBlock block = ref _blocks[slot];
        block.Start = start;
        block.End = end;
        return slot;
    }

    /// <summary>Puts an unlinked slot back in the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Return(int slot)
    {
        _blocks[slot].Next = _unusedSlot;
        _unusedSlot = slot;
    }

    /// <summary>Links the block in <paramref name="slot"/> at the head of the list of its size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Link(int slot)
    {
        ref FreeBlock block = ref _blocks[slot];
        ulong granules = block.Granules;
        int list = SizeClasses.ListOf(granules, _bits);
        ref int head = ref _heads[list];
        block.Next = head;
        if (head != None)
        {
            _blocks[head].Prev = slot;
        }
        else
        {
            _secondLevel[list >> _bits] |= 1UL << (list & ((1 << _bits) - 1));
            _firstLevel |= 1UL << (list >> _bits);
        }
        head = slot;
        Count++;
        Granules += granules;
        if (list >= _largestList && _largestList != None)
            (_largestList, _largest) = (list, list > _largestList ? granules : Math.Max(_largest, granules));
    }

    /// <summary>Unlinks the block in <paramref name="slot"/> from its list (its size must not have changed since it
    /// was linked); the slot stays rented. Taking a head touches no other record: the next block's
    /// <see cref="FreeBlock.Prev"/> is left stale, as a head's may be.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unlink(int slot)
    {
        ref FreeBlock block = ref _blocks[slot];
        ulong granules = block.Granules;
        int list = SizeClasses.ListOf(granules, _bits);
        ref int head = ref _heads[list];
        if (head == slot)
        {
            head = block.Next;
            if (block.Next == None)
            {
                ref ulong word = ref _secondLevel[list >> _bits];
                word &= ~(1UL << (list & ((1 << _bits) - 1)));
                if (word == 0)
                    _firstLevel &= ~(1UL << (list >> _bits));
            }
        }
        else
        {
            _blocks[block.Prev].Next = block.Next;
            if (block.Next != None)
                _blocks[block.Next].Prev = block.Prev;
        }
        if (list == _largestList && granules == _largest)
            _largestList = None;
        Count--;
        Granules -= granules;
    }

    /// <summary>Makes the linked block in <paramref name="slot"/> cover <c>[start, end)</c>, moving it to the list of
    /// its new size only when that is another list: a large block that loses or gains a little stays where it is,
    /// and no other record is touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Reshape(int slot, ulong start, ulong end)
    {
        ref FreeBlock block = ref _blocks[slot];
        ulong granules = block.Granules;
        ulong reshaped = end - start;
        int list = SizeClasses.ListOf(granules, _bits);
        if (SizeClasses.ListOf(reshaped, _bits) != list)
        {
            Unlink(slot);
            block.Start = start;
            block.End = end;
            Link(slot);
            return;
        }
        block.Start = start;
        block.End = end;
        Granules = Granules - granules + reshaped;
        if (list == _largestList)
        {
            if (reshaped > _largest)
                _largest = reshaped;
            else if (granules == _largest && reshaped < granules)
                _largestList = None;
        }
    }

    /// <summary>The first non-empty list at or above <paramref name="list"/>, or <see cref="None"/>: a bit scan in the
    /// list's own word, else one in the first level and one in the word it finds. E.g. b = 5, lists 82 and 300
    /// non-empty: from 83 → word 2 has nothing at or above bit 19 → first level above 2 → word 9 → 300.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FirstNonEmpty(int list)
    {
        if (list >= _heads.Length)
            return None;
        int first = list >> _bits;
        ulong word = _secondLevel[first] & (ulong.MaxValue << (list & ((1 << _bits) - 1)));
        if (word == 0)
        {
            ulong above = first == 63 ? 0 : _firstLevel & (ulong.MaxValue << (first + 1));
            if (above == 0)
                return None;
            first = BitOperations.TrailingZeroCount(above);
            word = _secondLevel[first];
        }
        return (first << _bits) + BitOperations.TrailingZeroCount(word);
    }

    /// <summary>The size of the largest free block, 0 when there is none: the largest block of the highest non-empty
    /// list, known unless it was unlinked or shrank since; then that one list is scanned (a single block for the
    /// exact-size lists of the first two levels) and the answer kept.</summary>
    public ulong LargestGranules()
    {
        if (_firstLevel == 0)
            return 0;
        if (_largestList == None)
        {
            int first = BitOperations.Log2(_firstLevel);
            int list = (first << _bits) + BitOperations.Log2(_secondLevel[first]);
            ulong largest = 0;
            for (int slot = _heads[list]; slot != None; slot = _blocks[slot].Next)
            {
                largest = Math.Max(largest, _blocks[slot].Granules);
                if (SizeClasses.Width(list, _bits) == 1)
                    break;
            }
            (_largestList, _largest) = (list, largest);
        }
        return _largest;
    }

    /// <summary>Debug: the lists, bitmaps, known largest size and counters agree; every linked slot is visited once.
    /// Returns the linked slots.</summary>
    /// <exception cref="InvalidOperationException">Something does not add up.</exception>
    public List<int> CheckStructure()
    {
        var slots = new List<int>();
        ulong granules = 0;
        for (int list = 0; list < _heads.Length; list++)
        {
            int prev = None;
            ulong largest = 0;
            ulong low = SizeClasses.LowerBound(list, _bits);
            ulong width = SizeClasses.Width(list, _bits);
            for (int slot = _heads[list]; slot != None; slot = _blocks[slot].Next)
            {
                ref FreeBlock block = ref _blocks[slot];
                ulong size = block.Granules;
                if ((prev != None && block.Prev != prev) || block.End <= block.Start || size - low >= width || slots.Count > _highWater)
                    throw TlsfAllocator.Corrupt($"list {list} is broken at slot {slot} ([0x{block.Start:X}, 0x{block.End:X}))");
                slots.Add(slot);
                granules += size;
                largest = Math.Max(largest, size);
                prev = slot;
            }
            bool bit = (_secondLevel[list >> _bits] >> (list & ((1 << _bits) - 1)) & 1) != 0;
            if (bit != (_heads[list] != None))
                throw TlsfAllocator.Corrupt($"the bitmap disagrees with list {list}");
            if (_heads[list] != None && _largestList != None && list >= _largestList && (list > _largestList || _largest != largest))
                throw TlsfAllocator.Corrupt($"the largest free block is said to be {_largest} granules in list {_largestList}; list {list} holds one of {largest}");
        }
        for (int first = 0; first < _secondLevel.Length; first++)
        {
            if ((_secondLevel[first] != 0) != ((_firstLevel >> first & 1) != 0))
                throw TlsfAllocator.Corrupt($"the first-level bitmap disagrees with word {first}");
        }
        if ((ulong)slots.Count != Count || granules != Granules)
            throw TlsfAllocator.Corrupt($"counted {slots.Count} blocks of {granules} granules; the counters say {Count} of {Granules}");
        return slots;
    }

}
