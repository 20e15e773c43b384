namespace Cma.Plugins.Tests.ExactPlacement;

/// <summary>The acceptance rule of best-fit, TLSF and bitmap (one bit per granule): a range is reserved exactly when
/// all of it is free, wherever it lies (a hole's head, tail or middle, across nothing live); the free space splits
/// around it, and freeing it coalesces back. Bitmap with several granules per bit also needs the range to start on a
/// bit.</summary>
public sealed class ExactPlacementTests
{
    /// <summary>The granule: 4 KiB.</summary>
    private const ulong G = 4096;

    /// <summary>1 GiB plus 3 granules: a start aligned to nothing large.</summary>
    private const ulong Start = (1UL << 30) + 3 * G;

    public static TheoryData<string> ExactAllocators => new() { "best-fit", "tlsf", "bitmap" };

    [Theory]
    [MemberData(nameof(ExactAllocators))]
    public void Every_exact_first_party_allocator_implements_exact_placement(string name)
    {
        using ICmaAllocator allocator = Create(name);
        Assert.IsAssignableFrom<ICmaExactPlacement>(allocator);
    }

    [Theory]
    [MemberData(nameof(ExactAllocators))]
    public void A_range_in_the_middle_of_a_free_block_splits_it_in_two_and_frees_back_to_one(string name)
    {
        using ICmaAllocator allocator = Create(name);

        Assert.True(Reserve(allocator, Start + 10 * G, 5 * G));

        Assert.Equal(new CmaAllocatorStats(59 * G, 49 * G, 2), allocator.Stats);
        allocator.Free(Start + 10 * G, 5 * G);
        Assert.Equal(new CmaAllocatorStats(64 * G, 64 * G, 1), allocator.Stats);
    }

    [Theory]
    [MemberData(nameof(ExactAllocators))]
    public void Ranges_at_a_free_blocks_head_and_tail_and_back_to_back_are_accepted(string name)
    {
        using ICmaAllocator allocator = Create(name);

        Assert.True(Reserve(allocator, Start, 3 * G));            // the region's head
        Assert.True(Reserve(allocator, Start + 61 * G, 3 * G));   // its tail
        Assert.True(Reserve(allocator, Start + 3 * G, 7 * G));    // right after the first
        Assert.True(Reserve(allocator, Start + 54 * G, 7 * G));   // right before the second

        Assert.Equal(new CmaAllocatorStats(44 * G, 44 * G, 1), allocator.Stats);
        Assert.True(allocator.TryAllocate(44 * G, G, out ulong rest));
        Assert.Equal(Start + 10 * G, rest);
    }

    [Theory]
    [MemberData(nameof(ExactAllocators))]
    public void A_range_that_is_partly_allocated_is_refused_and_changes_nothing(string name)
    {
        using ICmaAllocator allocator = Create(name);
        using ICmaAllocator twin = Create(name);
        ulong chunk = 0;
        foreach (ICmaAllocator a in new[] { allocator, twin })
        {
            Assert.True(Reserve(a, Start + 20 * G, 8 * G));
            Assert.True(a.TryAllocate(4 * G, G, out chunk));
        }
        CmaAllocatorStats before = allocator.Stats;

        Assert.False(Reserve(allocator, Start + 16 * G, 5 * G));  // its last granule is the reserve's first
        Assert.False(Reserve(allocator, Start + 27 * G, 2 * G));  // its first granule is the reserve's last
        Assert.False(Reserve(allocator, Start + 22 * G, G));      // inside the reserve
        Assert.False(Reserve(allocator, Start + 19 * G, 10 * G)); // around it
        Assert.False(Reserve(allocator, chunk, 4 * G));           // exactly a live allocation
        Assert.False(Reserve(allocator, Start, 64 * G));          // the whole region

        Assert.Equal(before, allocator.Stats);
        Assert.True(allocator.TryAllocate(4 * G, G, out ulong next));
        Assert.True(twin.TryAllocate(4 * G, G, out ulong twinNext)); // the twin was never asked for the refused ranges
        Assert.Equal(twinNext, next);
    }

    [Fact]
    public void Bitmap_with_several_granules_per_bit_accepts_only_ranges_that_start_on_a_bit_and_reserves_whole_bits()
    {
        ulong unit = 4 * G;
        using ICmaAllocator bitmap = FirstPartyPlugins.Create("bitmap", new CmaRegion("r", 1UL << 30, 64 * G, G), new Dictionary<string, string?> { ["OrderPerBit"] = "2" });

        Assert.False(Reserve(bitmap, (1UL << 30) + G, G));        // inside bit 0
        Assert.True(Reserve(bitmap, (1UL << 30) + unit, 5 * G));  // bits 1 and 2: two units
        Assert.Equal(64 * G - 2 * unit, bitmap.Stats.FreeBytes);
        Assert.False(Reserve(bitmap, (1UL << 30) + 2 * unit, G)); // bit 2 is taken, though the range's 5th granule ended in it
    }

    private static bool Reserve(ICmaAllocator allocator, ulong address, ulong size) =>
        ((ICmaExactPlacement)allocator).TryReserve(address, size);

    private static ICmaAllocator Create(string name) => FirstPartyPlugins.Create(name, new CmaRegion("r", Start, 64 * G, G));
}
