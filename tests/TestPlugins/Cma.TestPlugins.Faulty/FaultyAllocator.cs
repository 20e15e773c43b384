namespace Cma.TestPlugins.Faulty;

/// <summary>
/// A first fit over a sorted list of holes, obviously right, that commits one <see cref="Fault"/> once armed: the
/// first TryAllocate or Free call numbered <c>AfterOps</c> (counting from 0) arms it, and it stays armed. Allocation
/// faults act on TryAllocate calls, <see cref="Fault.ThrowFree"/> and <see cref="Fault.ReenterFree"/> on Free, the Stats
/// faults on every Stats read once armed (<see cref="Fault.ReenterStats"/> on every read), <see cref="Fault.ReenterDispose"/>
/// on Dispose. The allocator also keeps its own live list so that it can aim a bad range at a live chunk.
/// Public so that tests can read <see cref="Operations"/> and <see cref="FreeCalls"/> by reflection.
/// </summary>
public sealed class FaultyAllocator : ICmaAllocator
{
    /// <summary>The region managed.</summary>
    private readonly CmaRegion _region;

    /// <summary>The fault committed once armed.</summary>
    private readonly Fault _fault;

    /// <summary>Correct TryAllocate/Free calls before arming.</summary>
    private readonly int _afterOps;

    /// <summary>Milliseconds a <see cref="Fault.Slow"/> TryAllocate sleeps.</summary>
    private readonly int _delayMs;

    /// <summary>The <see cref="AppContext"/> data name of the hook the calling-out faults call, or null.</summary>
    private readonly string? _hook;

    /// <summary>Free ranges [Start, End), sorted, disjoint, non-adjacent, inside the region.</summary>
    private readonly List<(ulong Start, ulong End)> _holes = [];

    /// <summary>Live allocations this allocator placed honestly: start → size.</summary>
    private readonly SortedDictionary<ulong, ulong> _live = [];

    /// <summary>Bytes in the holes.</summary>
    private ulong _freeBytes;

    /// <summary>Whether the fault is armed.</summary>
    private bool _armed;

    /// <summary>Creates the allocator with the whole region free.</summary>
    public FaultyAllocator(CmaRegion region, Fault fault, int afterOps, int delayMs, string? hook)
    {
        _hook = hook;
        _region = region;
        _fault = fault;
        _afterOps = afterOps;
        _delayMs = delayMs;
        _holes.Add((region.Start, region.End));
        _freeBytes = region.Size;
        Traits = CmaAllocatorTraits.Exact(region.Granule);
    }

    /// <summary>TryAllocate and Free calls so far.</summary>
    public int Operations { get; private set; }

    /// <summary>Free calls so far.</summary>
    public int FreeCalls { get; private set; }

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats
    {
        get
        {
            if (_fault == Fault.ReenterStats)
                CallHookSwallowing();
            ulong largest = 0;
            foreach ((ulong start, ulong end) in _holes)
                largest = Math.Max(largest, end - start);
            var honest = new CmaAllocatorStats(_freeBytes, largest, (ulong)_holes.Count);
            return _armed ? Lie(honest) : honest;
        }
    }

    /// <summary>The stats as the armed fault reports them.</summary>
    private CmaAllocatorStats Lie(CmaAllocatorStats honest)
    {
        ulong g = _region.Granule;
        return _fault switch
        {
            Fault.ThrowStats => throw new InvalidOperationException("faulty: Stats fails on purpose."),
            Fault.WrongFreeBytes => honest with { FreeBytes = honest.FreeBytes - g, LargestFreeBlock = Math.Min(honest.LargestFreeBlock, honest.FreeBytes - g) },
            Fault.LargestOverFree => honest with { LargestFreeBlock = honest.FreeBytes + g },
            Fault.InflatedLargest => honest with { LargestFreeBlock = honest.FreeBytes },
            Fault.ZeroLargest => honest with { LargestFreeBlock = 0 },
            Fault.UnderstatedLargest => honest with { LargestFreeBlock = Math.Min(honest.LargestFreeBlock, g) },
            Fault.UnalignedLargest when honest.LargestFreeBlock > 0 => honest with { LargestFreeBlock = honest.LargestFreeBlock - 1 },
            Fault.NoFreeBlocks => honest with { FreeBlockCount = 0 },
            Fault.ExtraFreeBlock => honest with { FreeBlockCount = honest.FreeBlockCount + 1 },
            Fault.SplitWhenEmpty when _live.Count == 0 => honest with { FreeBlockCount = 2 },
            _ => honest,
        };
    }

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        Arm();
        if (_armed)
        {
            switch (_fault)
            {
                case Fault.ThrowAllocate:
                    throw new InvalidOperationException("faulty: TryAllocate fails on purpose.");
                case Fault.OutOfRegion:
                    address = _region.End;
                    return true;
                case Fault.InsideLive when _live.Count > 0:
                    address = First().Key + _region.Granule;
                    return true;
                case Fault.SameStart when _live.Count > 0:
                    address = First().Key;
                    return true;
                case Fault.Enclosing when FirstNotAtRegionStart() is ulong liveStart:
                    address = liveStart - _region.Granule;
                    return true;
                case Fault.Reenter:
                    CallHookSwallowing();
                    break;
                case Fault.Slow:
                    CallHook();
                    Thread.Sleep(_delayMs);
                    break;
            }
        }
        if (!Place(size, alignment, out address))
            return false;
        if (_armed && _fault == Fault.Misaligned)
            address += _region.Granule / 2;
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        Arm();
        FreeCalls++;
        if (_armed && _fault == Fault.ThrowFree)
            throw new InvalidOperationException("faulty: Free fails on purpose.");
        if (_armed && _fault == Fault.ReenterFree)
            CallHookSwallowing();
        _live.Remove(address);
        ulong end = address + size;
        int next = 0;
        while (next < _holes.Count && _holes[next].Start < address)
            next++;
        bool mergePrevious = next > 0 && _holes[next - 1].End == address;
        bool mergeNext = next < _holes.Count && _holes[next].Start == end;
        if (mergePrevious && mergeNext)
        {
            _holes[next - 1] = (_holes[next - 1].Start, _holes[next].End);
            _holes.RemoveAt(next);
        }
        else if (mergePrevious)
        {
            _holes[next - 1] = (_holes[next - 1].Start, end);
        }
        else if (mergeNext)
        {
            _holes[next] = (address, _holes[next].End);
        }
        else
        {
            _holes.Insert(next, (address, end));
        }
        _freeBytes += size;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_fault == Fault.ReenterDispose)
            CallHookSwallowing();
    }

    /// <summary>Calls the hook named by the <c>Hook</c> setting, if one is registered.</summary>
    private void CallHook()
    {
        if (_hook is not null && AppContext.GetData(_hook) is Action<string> hook)
            hook(_region.Name);
    }

    /// <summary>Calls the hook and swallows what it throws: a sneaky plugin hides that the host refused its call, and the
    /// host must notice anyway.</summary>
    private void CallHookSwallowing()
    {
        try
        {
            CallHook();
        }
        catch (Exception)
        {
            // swallowed on purpose (see above)
        }
    }

    /// <summary>Counts a TryAllocate/Free call and arms the fault at call number <c>AfterOps</c>.</summary>
    private void Arm()
    {
        if (Operations++ >= _afterOps && _fault != Fault.None)
            _armed = true;
    }

    /// <summary>First fit: the first hole that holds the request at its aligned start, split into at most two holes.</summary>
    private bool Place(ulong size, ulong alignment, out ulong address)
    {
        for (int i = 0; i < _holes.Count; i++)
        {
            (ulong holeStart, ulong holeEnd) = _holes[i];
            ulong start = (holeStart + alignment - 1) & ~(alignment - 1);
            if (start < holeStart || start >= holeEnd || holeEnd - start < size)
                continue;
            _holes.RemoveAt(i);
            if (start + size < holeEnd)
                _holes.Insert(i, (start + size, holeEnd));
            if (holeStart < start)
                _holes.Insert(i, (holeStart, start));
            _freeBytes -= size;
            _live.Add(start, size);
            address = start;
            return true;
        }
        address = 0;
        return false;
    }

    private KeyValuePair<ulong, ulong> First()
    {
        foreach (KeyValuePair<ulong, ulong> chunk in _live)
            return chunk;
        throw new InvalidOperationException("no live chunk");
    }

    private ulong? FirstNotAtRegionStart()
    {
        foreach (ulong start in _live.Keys)
        {
            if (start > _region.Start)
                return start;
        }
        return null;
    }
}
