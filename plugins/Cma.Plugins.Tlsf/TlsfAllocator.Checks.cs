using System.Diagnostics;

namespace Cma.Plugins.Tlsf;

/// <summary>The Debug invariant checks of <see cref="TlsfAllocator"/>: the blocks a mutation touched after each one
/// (O(1) look-ups), and the whole state every 1,024 operations.</summary>
internal sealed partial class TlsfAllocator
{
    /// <summary>Operations between two full invariant checks in Debug builds.</summary>
    private const int FullCheckInterval = 1024;

#if DEBUG
    /// <summary>Operations since the last full invariant check; below <see cref="FullCheckInterval"/>.</summary>
    private int _operationsSinceFullCheck;
#endif

    /// <summary>Debug: the chunk <c>[at, chunkEnd)</c> just reserved lies in the region, and the blocks left before and
    /// after it (<paramref name="gap"/>, <paramref name="tail"/>, either <see cref="FreeLists.None"/>) end at its start
    /// and start at its end, and obey the block invariants; no other free block starts or ends at the chunk's edges.</summary>
    [Conditional("DEBUG")]
    private void CheckAfterAllocate(ulong at, ulong chunkEnd, int gap, int tail)
    {
        ulong first = _region.Start >> _granuleShift, end = _region.End >> _granuleShift;
        if (at < first || chunkEnd > end || chunkEnd <= at)
            throw Corrupt($"the chunk [0x{at:X}, 0x{chunkEnd:X}) (granule indexes) is outside region {_region}");
        if (_boundaries.Find(at) != gap || (gap != FreeLists.None && _lists[gap].End != at))
            throw Corrupt($"the free block before the chunk at granule index 0x{at:X} is not the gap left by the split");
        if (_boundaries.Find(chunkEnd) != tail || (tail != FreeLists.None && _lists[tail].Start != chunkEnd))
            throw Corrupt($"the free block after the chunk ending at granule index 0x{chunkEnd:X} is not the tail left by the split");
        if (gap != FreeLists.None)
            CheckBlock(gap);
        if (tail != FreeLists.None)
            CheckBlock(tail);
    }

    /// <summary>Debug: one free block is non-empty, inside the region, and the boundary map gives it for its start and
    /// its end (so no other free block ends where it starts or starts where it ends: it touches none).</summary>
    [Conditional("DEBUG")]
    private void CheckBlock(int slot)
    {
        FreeBlock block = _lists[slot];
        ulong first = _region.Start >> _granuleShift, end = _region.End >> _granuleShift;
        if (block.End <= block.Start || block.Start < first || block.End > end)
            throw Corrupt($"free block [0x{block.Start:X}, 0x{block.End:X}) (granule indexes) is empty or outside region {_region}");
        if (!_boundaries.Holds(slot))
            throw Corrupt($"the boundary map does not give free block [0x{block.Start:X}, 0x{block.End:X}) for both its ends");
    }

    /// <summary>Debug: a full check every 1,024 operations.</summary>
    [Conditional("DEBUG")]
    private void CheckPeriodically()
    {
#if DEBUG
        if (++_operationsSinceFullCheck < FullCheckInterval)
            return;
        _operationsSinceFullCheck = 0;
        CheckAll();
#endif
    }

    /// <summary>Debug: the lists' own bookkeeping adds up, every free block obeys <see cref="CheckBlock"/>, the map holds
    /// nothing else, and in address order no two blocks overlap or touch. O(blocks × log blocks).</summary>
    [Conditional("DEBUG")]
    private void CheckAll()
    {
        List<int> slots = _lists.CheckStructure();
        if (_boundaries.Count != 2 * slots.Count)
            throw Corrupt($"the boundary map holds {_boundaries.Count} keys for {slots.Count} free blocks");
        var blocks = new FreeBlock[slots.Count];
        for (int i = 0; i < slots.Count; i++)
        {
            CheckBlock(slots[i]);
            blocks[i] = _lists[slots[i]];
        }
        Array.Sort(blocks, static (x, y) => x.Start.CompareTo(y.Start));
        for (int i = 1; i < blocks.Length; i++)
        {
            if (blocks[i].Start <= blocks[i - 1].End)
                throw Corrupt($"free blocks [0x{blocks[i - 1].Start:X}, 0x{blocks[i - 1].End:X}) and [0x{blocks[i].Start:X}, 0x{blocks[i].End:X}) overlap or touch");
        }
    }
}
