using System.Text;

namespace Cma.Conformance;

/// <summary>
/// One allocator under test with its <see cref="LiveSetModel"/>: every call goes through here, which checks the
/// result against the model and the stats after every operation, and turns a broken postcondition (or an
/// exception from the allocator) into a <see cref="ConformanceFailure"/> that shows the operations that led to it.
/// </summary>
internal sealed partial class AllocatorSession : IDisposable
{
    /// <summary>How many of the latest operations a failure message shows, unless told to show all.</summary>
    private const int ShownOperations = 24;

    /// <summary>How many of the latest operations a failure message shows when every operation is logged.</summary>
    private const int ShownOperationsOfASequence = 300;

    /// <summary>The allocator under test; owned, disposed with the session.</summary>
    private readonly ICmaAllocator _allocator;

    /// <summary>Every operation made so far, in order (only when <see cref="_logAll"/>, else the latest ones).</summary>
    private readonly List<LoggedOperation> _log = [];

    /// <summary>Whether <see cref="_log"/> keeps every operation (a randomized sequence) or only a recent window.</summary>
    private readonly bool _logAll;

    /// <summary>Operations made so far; at least <see cref="_log"/>'s count.</summary>
    private int _operationCount;

    /// <summary>Creates an allocator for <paramref name="region"/> through the context and starts checking it.</summary>
    public AllocatorSession(ConformanceContext context, CmaRegion region, bool logAll = false)
    {
        Context = context;
        _allocator = context.CreateAllocator(region);
        _logAll = logAll;
        try
        {
            Traits = context.TraitsOf(_allocator);
            Model = new LiveSetModel(region, Traits);
            InitialStats = CheckStats();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The context the session runs in.</summary>
    public ConformanceContext Context { get; }

    /// <summary>The region.</summary>
    public CmaRegion Region => Model.Region;

    /// <summary>The region's granule.</summary>
    public ulong Granule => Model.Region.Granule;

    /// <summary>The traits the allocator is held to.</summary>
    public CmaAllocatorTraits Traits { get; }

    /// <summary>The live set.</summary>
    public LiveSetModel Model { get; }

    /// <summary>The stats of the fresh allocator.</summary>
    public CmaAllocatorStats InitialStats { get; }

    /// <summary>Calls TryAllocate, verifies a placed range against the model and the stats afterwards.</summary>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        bool placed;
        try
        {
            placed = _allocator.TryAllocate(size, alignment, out address);
        }
        catch (Exception e)
        {
            Record(new LoggedOperation(false, size, alignment, 0, false));
            throw Fail($"TryAllocate({ByteText.Size(size)}, {ByteText.Size(alignment)}) threw {e.GetType().Name}: {e.Message} " +
                "An allocator returns false when it cannot place a request; it never throws for that.", e);
        }
        Record(new LoggedOperation(false, size, alignment, placed ? address : 0, placed));
        if (placed)
        {
            if (Model.Verify(address, size, alignment) is { } problem)
                throw Fail($"TryAllocate({ByteText.Size(size)}, {ByteText.Size(alignment)}) returned 0x{address:X}, but {problem}");
            Model.Add(address, size);
        }
        CheckStats();
        return placed;
    }

    /// <summary>Calls TryAllocate and fails the check if a request that the allocator can place is refused:
    /// <paramref name="why"/> says why it can. A request larger than the fresh allocator's largest free block (the
    /// largest request it can ever place, e.g. a buddy's largest block) is only tried.</summary>
    /// <returns>The address, or 0 when a request larger than the fresh allocator's largest free block was refused.</returns>
    public ulong Allocate(ulong size, ulong alignment, string why) =>
        Place(size, alignment, why, required: size <= InitialStats.LargestFreeBlock);

    /// <summary>Calls TryAllocate; when <paramref name="required"/>, fails the check if the request is refused.</summary>
    private ulong Place(ulong size, ulong alignment, string why, bool required)
    {
        if (TryAllocate(size, alignment, out ulong address))
            return address;
        if (required)
            throw Fail($"TryAllocate({ByteText.Size(size)}, {ByteText.Size(alignment)}) returned false, but {why}");
        return 0;
    }

    /// <summary>Frees the live allocation at <paramref name="address"/> and checks the stats afterwards.</summary>
    public void Free(ulong address)
    {
        LiveAllocation live = Model.Remove(address);
        Record(new LoggedOperation(true, live.Size, 0, address, true));
        try
        {
            _allocator.Free(address, live.Size);
        }
        catch (Exception e)
        {
            throw Fail($"Free(0x{address:X}, {ByteText.Size(live.Size)}) of a live allocation threw {e.GetType().Name}: {e.Message}", e);
        }
        CheckStats();
    }

    /// <summary>Frees every live allocation, in address order or shuffled by <paramref name="random"/>.</summary>
    public void FreeAll(Random? random = null)
    {
        LiveAllocation[] live = Model.ToArrayByAddress();
        random?.Shuffle(live);
        foreach (LiveAllocation allocation in live)
            Free(allocation.Address);
    }

    /// <summary>Reads the stats, failing the check if reading throws.</summary>
    public CmaAllocatorStats Stats()
    {
        try
        {
            return _allocator.Stats;
        }
        catch (Exception e)
        {
            throw Fail($"Reading Stats threw {e.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>Checks the stats against the model: exact free bytes, a largest free block no larger than the free
    /// bytes or the largest gap between live ranges, and a block count that agrees with both.</summary>
    public CmaAllocatorStats CheckStats()
    {
        CmaAllocatorStats stats = Stats();
        if (stats.FreeBytes != Model.ExpectedFreeBytes)
        {
            throw Fail($"Stats.FreeBytes is {ByteText.Size(stats.FreeBytes)}, but the {Model.Count} live allocations reserve " +
                $"{ByteText.Size(Model.ReservedBytes)} according to Traits ({ByteText.Traits(Traits)}), so it must be " +
                $"{ByteText.Size(Model.ExpectedFreeBytes)} of the region's {ByteText.Size(Region.Size)}.");
        }
        if (stats.LargestFreeBlock > stats.FreeBytes || stats.LargestFreeBlock % Granule != 0)
            throw Fail($"Stats.LargestFreeBlock is {ByteText.Size(stats.LargestFreeBlock)}; it must be a multiple of the granule and at most FreeBytes ({ByteText.Size(stats.FreeBytes)}).");
        if ((stats.FreeBlockCount == 0) != (stats.LargestFreeBlock == 0))
            throw Fail($"Stats say {ByteText.Stats(stats)}: a free block exists exactly when the largest free block is positive.");
        return stats;
    }

    /// <summary>Checks that <see cref="CmaAllocatorStats.LargestFreeBlock"/> is the largest request that succeeds
    /// now: a request of that size is placed (then freed), and one granule more is not. O(live) for the gap check.</summary>
    public void ProbeLargestFreeBlock()
    {
        CmaAllocatorStats stats = CheckStats();
        ulong largest = stats.LargestFreeBlock;
        ulong gap = Model.LargestGap();
        if (largest > gap)
            throw Fail($"Stats.LargestFreeBlock is {ByteText.Size(largest)}, but the largest range not covered by a live allocation is {ByteText.Size(gap)}.");
        if (largest > 0)
        {
            ulong address = Place(largest, Granule, $"Stats.LargestFreeBlock is {ByteText.Size(largest)}: a request of that size must succeed.", required: true);
            Free(address);
        }
        if (largest <= Region.Size - Granule && TryAllocate(largest + Granule, Granule, out ulong larger))
        {
            Free(larger);
            throw Fail($"Stats.LargestFreeBlock is {ByteText.Size(largest)}, but a request of {ByteText.Size(largest + Granule)} succeeded: it must be the largest request that succeeds.");
        }
    }

    /// <summary>Builds a failure: the problem, the region and traits, the stats, and the operations that led to it.</summary>
    public ConformanceFailure Fail(string problem, Exception? cause = null) => new(Describe(problem), cause);

    /// <summary>The problem with its context, as a failure message.</summary>
    public string Describe(string problem)
    {
        var text = new StringBuilder(problem);
        text.Append("\n  region ").Append(Region).Append("; traits: ").Append(ByteText.Traits(Traits)).Append('.');
        text.Append("\n  live allocations: ").Append(Model.Count).Append(", reserving ").Append(ByteText.Size(Model.ReservedBytes)).Append('.');
        if (_operationCount == 0)
            return text.Append("\n  (no operation had been made)").ToString();
        int shown = Math.Min(_log.Count, _logAll ? ShownOperationsOfASequence : ShownOperations);
        text.Append(shown == _operationCount
            ? (shown == 1 ? "\n  the 1 operation:" : $"\n  the {shown} operations, in order:")
            : $"\n  the last {shown} of {_operationCount} operations:");
        for (int i = _log.Count - shown; i < _log.Count; i++)
            text.Append("\n    ").Append(_operationCount - _log.Count + i + 1).Append(". ").Append(_log[i]);
        return text.ToString();
    }

    /// <summary>Disposes the allocator. An exception from it is ignored: thrown while a failure unwinds, it would
    /// hide the failure being reported.</summary>
    public void Dispose()
    {
        try
        {
            _allocator.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Deliberately ignored; see the summary.
        }
    }

    /// <summary>Appends an operation to the log, keeping a window of the latest ones unless logging all.</summary>
    private void Record(LoggedOperation operation)
    {
        _operationCount++;
        if (!_logAll && _log.Count == 2 * ShownOperations)
            _log.RemoveRange(0, ShownOperations);
        _log.Add(operation);
    }
}
