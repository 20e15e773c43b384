using Cma.Conformance;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>
/// Proof that the kit's exact-placement checks can fail: best-fit wrapped so that its <see cref="ICmaExactPlacement"/>
/// breaks the contract one way or another fails them with the reason; an allocator without the interface gets them as
/// not applicable. (A reserve that lies about an occupied range is the hostile test plugin's, tested with the host.)
/// </summary>
public sealed class KitCatchesBrokenReservesTests
{
    /// <summary>Few random operations: the defects show at once.</summary>
    private static readonly ConformanceOptions s_options = new() { Ops = 2000 };

    /// <summary>The exact-placement checks.</summary>
    private static readonly string[] s_exactChecks = [.. ConformanceSuite.All.Where(c => c.RequiresExactPlacement).Select(c => c.Name)];

    [Fact]
    public void A_reserve_that_refuses_free_ranges_fails_when_reserves_must_be_exact()
    {
        ConformanceResult result = RunOne(ConformanceSuite.ReservedRangesAreNeverOverlapped, (inner, address, size) => false);

        Assert.False(result.Passed);
        Assert.Contains("returned false, but the region is empty", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reserve_that_refuses_every_range_fails_even_when_it_may_refuse_some()
    {
        ConformanceOptions options = s_options with { Capabilities = new() { ReserveMayRefuseFreeRanges = true } };

        ConformanceResult result = RunOne(ConformanceSuite.ReservedRangesAreNeverOverlapped, (inner, address, size) => false, options);

        Assert.False(result.Passed);
        Assert.Contains("refused every range of 1, 2, 4 and 8 units", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_reserve_that_changes_the_free_space_fails()
    {
        // A refusal that takes a granule behind the kit's back.
        ConformanceResult result = RunOne(ConformanceSuite.ReservingAnOccupiedRangeFailsAndChangesNothing, (inner, address, size) =>
        {
            if (((ICmaExactPlacement)inner).TryReserve(address, size))
                return true;
            inner.TryAllocate(4096, 4096, out _);
            return false;
        });

        Assert.False(result.Passed);
        Assert.Contains("returned false but changed the stats", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reserve_that_takes_less_than_it_says_fails_on_the_stats()
    {
        ConformanceResult result = RunOne(ConformanceSuite.ReservesAtTheRegionEdgesAreExact, (inner, address, size) =>
            size == 4096 ? ((ICmaExactPlacement)inner).TryReserve(address, size) : ((ICmaExactPlacement)inner).TryReserve(address, size - 4096));

        // Its reserve of two units at the region's last but one takes only the free one, so it "succeeds" over the last.
        Assert.False(result.Passed);
        Assert.Contains("returned true, but what it reserves (8K from its address) overlaps the live allocation", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allocator_without_exact_placement_gets_those_checks_as_not_applicable()
    {
        IReadOnlyList<ConformanceResult> results = ConformanceRunner.Run("plain", region => new Plain(FirstPartyPlugins.Create("best-fit", region)), s_options);

        Assert.All(results, r => Assert.True(r.Passed, $"{r.CheckName}: {r.Message}"));
        Assert.Equal(s_exactChecks, results.Where(r => r.NotApplicable).Select(r => r.CheckName));
        Assert.Equal(5, s_exactChecks.Length);
    }

    [Fact]
    public void Every_first_party_allocator_has_exact_placement_by_the_kits_reckoning()
    {
        foreach (string name in new[] { "best-fit", "bitmap", "buddy", "tlsf" })
            Assert.True(new ConformanceContext(name, region => FirstPartyPlugins.Create(name, region)).HasExactPlacement, name);
    }

    /// <summary>Runs one check on best-fit whose TryReserve is <paramref name="reserve"/>.</summary>
    private static ConformanceResult RunOne(ConformanceCheck check, Func<ICmaAllocator, ulong, ulong, bool> reserve, ConformanceOptions? options = null) =>
        Assert.Single(ConformanceRunner.Run("broken-reserve", region => new Wrapped(FirstPartyPlugins.Create("best-fit", region), reserve),
            (options ?? s_options) with { Checks = [check.Name] }));

    /// <summary>An allocator that forwards everything but TryReserve.</summary>
    private sealed class Wrapped(ICmaAllocator inner, Func<ICmaAllocator, ulong, ulong, bool> reserve) : Plain(inner), ICmaExactPlacement
    {
        public bool TryReserve(ulong address, ulong size) => reserve(Inner, address, size);
    }

    /// <summary>An allocator that forwards the 1.0 contract only.</summary>
    private class Plain(ICmaAllocator inner) : ICmaAllocator
    {
        protected ICmaAllocator Inner => inner;

        public CmaAllocatorStats Stats => inner.Stats;

        public CmaAllocatorTraits Traits => inner.Traits;

        public bool TryAllocate(ulong size, ulong alignment, out ulong address) => inner.TryAllocate(size, alignment, out address);

        public void Free(ulong address, ulong size) => inner.Free(address, size);

        public void Dispose() => inner.Dispose();
    }
}
