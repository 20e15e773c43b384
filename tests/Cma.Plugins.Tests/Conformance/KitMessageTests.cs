using Cma.Conformance;
using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>How the kit words a failure: sizes people can read, counts in the singular for one.</summary>
public sealed class KitMessageTests
{
    [Fact]
    public void A_failure_after_one_operation_says_the_1_operation_and_an_unbounded_max_region_in_words()
    {
        var provider = new MisreportingProvider(FirstPartyPlugins.Provider("best-fit"));

        IReadOnlyList<ConformanceResult> results = ConformanceRunner.Run(provider, new ConformanceOptions { Ops = 200 });

        List<string> messages = [.. results.Where(r => !r.Passed).Select(r => r.Message!)];
        Assert.NotEmpty(messages);
        Assert.Contains(messages, m => m.Contains("\n  the 1 operation:\n    1. ", StringComparison.Ordinal));
        Assert.All(messages, m => Assert.Contains("max region unbounded,", m, StringComparison.Ordinal));
        Assert.All(messages, m => Assert.DoesNotContain("18446744073709551615", m, StringComparison.Ordinal));
    }

    /// <summary>Best-fit (whose largest region is unbounded), reporting one granule too many free once anything is live.</summary>
    private sealed class MisreportingProvider(ICmaAllocatorProvider inner) : ICmaAllocatorProvider
    {
        public string Name => "misreporting";

        public string Description => "best-fit with a wrong FreeBytes while chunks are live";

        public ICmaAllocator Create(CmaRegion region, IConfiguration settings) => new Misreporting(inner.Create(region, settings), region.Granule);
    }

    private sealed class Misreporting(ICmaAllocator inner, ulong granule) : ICmaAllocator
    {
        /// <summary>Allocations not yet freed.</summary>
        private int _live;

        public CmaAllocatorStats Stats => _live == 0 ? inner.Stats : inner.Stats with { FreeBytes = inner.Stats.FreeBytes + granule };

        public CmaAllocatorTraits Traits => inner.Traits;

        public bool TryAllocate(ulong size, ulong alignment, out ulong address)
        {
            bool placed = inner.TryAllocate(size, alignment, out address);
            _live += placed ? 1 : 0;
            return placed;
        }

        public void Free(ulong address, ulong size)
        {
            inner.Free(address, size);
            _live--;
        }

        public void Dispose() => inner.Dispose();
    }
}
