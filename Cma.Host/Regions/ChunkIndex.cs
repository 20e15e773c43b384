using System.Diagnostics;

namespace Cma.Host.Regions;

/// <summary>
/// The live chunks of one region in start-address order: the host's own record of who owns what, against
/// which every plugin result is checked. A two-level sorted array: blocks of at most
/// <see cref="BlockCapacity"/> chunks, each sorted by start, and the blocks sorted by their first start.
/// Lookup, predecessor/successor and insert/remove are two binary searches plus a memmove inside one block
/// (O(log n + B)); a split or merge of blocks costs O(n / B) and happens once per ~B/2 inserts. Memory is
/// about 24–48 bytes per live chunk; emptied blocks are pooled, so steady allocate/free allocates nothing.
/// Not thread-safe: the region's lock guards it.
/// </summary>
internal sealed class ChunkIndex
{
    /// <summary>Chunks per block before it splits in two.</summary>
    internal const int BlockCapacity = 256;

    /// <summary>Per block, the start addresses of its chunks, ascending, valid up to <see cref="_counts"/>[b].</summary>
    private ulong[][] _starts = new ulong[4][];

    /// <summary>Per block, the chunk data parallel to <see cref="_starts"/>.</summary>
    private ChunkEntry[][] _entries = new ChunkEntry[4][];

    /// <summary>Per block, how many chunks it holds; every block but a lone first one holds at least one.</summary>
    private int[] _counts = new int[4];

    /// <summary>Per block, its first start (== _starts[b][0]); ascending across blocks.</summary>
    private ulong[] _firstStarts = new ulong[4];

    /// <summary>Blocks in use (at least 1).</summary>
    private int _blockCount = 1;

    /// <summary>Emptied blocks kept for reuse.</summary>
    private readonly Stack<(ulong[] Starts, ChunkEntry[] Entries)> _pool = new();

    public ChunkIndex()
    {
        _starts[0] = new ulong[BlockCapacity];
        _entries[0] = new ChunkEntry[BlockCapacity];
    }

    /// <summary>Live chunks.</summary>
    public long Count { get; private set; }

    /// <summary>Whether a chunk starts at <paramref name="start"/>; if so its data.</summary>
    public bool TryGet(ulong start, out ChunkEntry entry)
    {
        int b = BlockFor(start);
        int i = Array.BinarySearch(_starts[b], 0, _counts[b], start);
        entry = i >= 0 ? _entries[b][i] : default;
        return i >= 0;
    }

    /// <summary>Whether <c>[start, start + size)</c> overlaps a live chunk: the live predecessor (last start ≤ start)
    /// reaching past <paramref name="start"/>, or the live successor starting before the range's end. Because live
    /// chunks are disjoint, these two neighbours decide it: a range that starts inside a chunk, equals one,
    /// or encloses one is caught.</summary>
    public bool Overlaps(ulong start, ulong size)
    {
        ulong end = start + size; // caller guarantees no overflow (the range is inside the region)
        int b = BlockFor(start);
        int n = _counts[b];
        int i = Array.BinarySearch(_starts[b], 0, n, start);
        int pred = i >= 0 ? i : ~i - 1;       // index of last start <= start in this block, or -1
        if (pred >= 0)
        {
            if (_starts[b][pred] + _entries[b][pred].Size > start)
                return true;
        }
        else if (b > 0)
        {
            int pb = b - 1, pi = _counts[pb] - 1;
            if (_starts[pb][pi] + _entries[pb][pi].Size > start)
                return true;
        }
        int succ = pred + 1;                  // first start > start
        if (succ < n)
            return _starts[b][succ] < end;
        return b + 1 < _blockCount && _firstStarts[b + 1] < end;
    }

    /// <summary>Records a chunk; the caller has checked <see cref="Overlaps"/>.</summary>
    public void Insert(ulong start, ChunkEntry entry)
    {
        int b = BlockFor(start);
        if (_counts[b] == BlockCapacity)
        {
            Split(b);
            if (start >= _firstStarts[b + 1])
                b++;
        }
        int n = _counts[b];
        int i = ~Array.BinarySearch(_starts[b], 0, n, start);
        Debug.Assert(i >= 0, "a chunk already starts here");
        Array.Copy(_starts[b], i, _starts[b], i + 1, n - i);
        Array.Copy(_entries[b], i, _entries[b], i + 1, n - i);
        _starts[b][i] = start;
        _entries[b][i] = entry;
        _counts[b] = n + 1;
        if (i == 0)
            _firstStarts[b] = start;
        Count++;
    }

    /// <summary>Removes the chunk that starts at <paramref name="start"/>, if any.</summary>
    public bool Remove(ulong start, out ChunkEntry entry)
    {
        int b = BlockFor(start);
        int n = _counts[b];
        int i = Array.BinarySearch(_starts[b], 0, n, start);
        if (i < 0)
        {
            entry = default;
            return false;
        }
        entry = _entries[b][i];
        Array.Copy(_starts[b], i + 1, _starts[b], i, n - i - 1);
        Array.Copy(_entries[b], i + 1, _entries[b], i, n - i - 1);
        _counts[b] = n - 1;
        Count--;
        if (n - 1 == 0)
            RemoveBlock(b);
        else if (i == 0)
            _firstStarts[b] = _starts[b][0];
        return true;
    }

    /// <summary>Calls <paramref name="visit"/> for every live chunk in start order.</summary>
    public void ForEach(Action<ulong, ChunkEntry> visit)
    {
        for (int b = 0; b < _blockCount; b++)
        {
            for (int i = 0; i < _counts[b]; i++)
                visit(_starts[b][i], _entries[b][i]);
        }
    }

    /// <summary>Removes every chunk.</summary>
    public void Clear()
    {
        for (int b = 1; b < _blockCount; b++)
            _pool.Push((_starts[b], _entries[b]));
        _blockCount = 1;
        _counts[0] = 0;
        Count = 0;
    }

    /// <summary>The block whose range holds <paramref name="start"/>: the last block with first start ≤ start, else block 0.</summary>
    private int BlockFor(ulong start)
    {
        int lo = 0, hi = _blockCount - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_firstStarts[mid] <= start)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Moves the upper half of full block <paramref name="b"/> into a new block b + 1.</summary>
    private void Split(int b)
    {
        if (_blockCount == _counts.Length)
        {
            int size = _counts.Length * 2;
            Array.Resize(ref _starts, size);
            Array.Resize(ref _entries, size);
            Array.Resize(ref _counts, size);
            Array.Resize(ref _firstStarts, size);
        }
        int move = _blockCount - b - 1;
        Array.Copy(_starts, b + 1, _starts, b + 2, move);
        Array.Copy(_entries, b + 1, _entries, b + 2, move);
        Array.Copy(_counts, b + 1, _counts, b + 2, move);
        Array.Copy(_firstStarts, b + 1, _firstStarts, b + 2, move);
        (ulong[] starts, ChunkEntry[] entries) = _pool.Count > 0 ? _pool.Pop() : (new ulong[BlockCapacity], new ChunkEntry[BlockCapacity]);
        const int Half = BlockCapacity / 2;
        Array.Copy(_starts[b], Half, starts, 0, BlockCapacity - Half);
        Array.Copy(_entries[b], Half, entries, 0, BlockCapacity - Half);
        _starts[b + 1] = starts;
        _entries[b + 1] = entries;
        _counts[b + 1] = BlockCapacity - Half;
        _firstStarts[b + 1] = starts[0];
        _counts[b] = Half;
        _blockCount++;
    }

    /// <summary>Drops emptied block <paramref name="b"/> (unless it is the only one).</summary>
    private void RemoveBlock(int b)
    {
        if (_blockCount == 1)
            return;
        _pool.Push((_starts[b], _entries[b]));
        int move = _blockCount - b - 1;
        Array.Copy(_starts, b + 1, _starts, b, move);
        Array.Copy(_entries, b + 1, _entries, b, move);
        Array.Copy(_counts, b + 1, _counts, b, move);
        Array.Copy(_firstStarts, b + 1, _firstStarts, b, move);
        _blockCount--;
    }
}
