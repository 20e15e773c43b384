namespace Cma.Plugins.Tests.Bitmap;

/// <summary>How the bitmap provider reads its settings and refuses regions it cannot manage.</summary>
public sealed class BitmapSettingsTests
{
    private const ulong K4 = 4096;
    private const ulong Base = 1UL << 30;

    [Fact]
    public void Every_settings_problem_is_reported_in_one_exception()
    {
        var settings = new Dictionary<string, string?> { ["Fit"] = "worst", ["OrderPerBit"] = "21", ["OrderPerBits"] = "1" };

        var error = Assert.Throws<CmaSettingsException>(() => Create(1UL << 20, settings));

        Assert.Contains("'Fit' is 'worst'", error.Message, StringComparison.Ordinal);
        Assert.Contains("first, next, best", error.Message, StringComparison.Ordinal);
        Assert.Contains("'OrderPerBit' is '21'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'OrderPerBit'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_size_that_is_not_a_whole_number_of_bits_is_refused_with_the_bit_size_to_use()
    {
        var settings = new Dictionary<string, string?> { ["OrderPerBit"] = "4" };

        var error = Assert.Throws<CmaSettingsException>(() => Create(100 * 1024, settings));

        Assert.Contains("size 100K is not a multiple of one bit's worth, 64K", error.Message, StringComparison.Ordinal);
        Assert.Contains("lower OrderPerBit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_start_that_is_not_a_whole_number_of_bits_is_refused_with_the_alignment_to_use()
    {
        var settings = new Dictionary<string, string?> { ["OrderPerBit"] = "4" };
        var region = new CmaRegion("r", Base + K4, 1UL << 20, K4);

        var error = Assert.Throws<CmaSettingsException>(() => FirstPartyPlugins.Create("bitmap", region, settings));

        Assert.Contains("start 0x40001000", error.Message, StringComparison.Ordinal);
        Assert.Contains("Alignment that is a multiple of 64K", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_past_two_to_the_31_bits_is_refused_with_the_order_per_bit_that_fits()
    {
        var error = Assert.Throws<CmaSettingsException>(() => Create(16UL << 40, settings: null));

        Assert.Contains("maximum of 2^31 bits (8T at OrderPerBit 0)", error.Message, StringComparison.Ordinal);
        Assert.Contains("raise OrderPerBit to at least 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 4096UL, 8UL << 40)]
    [InlineData("3", 32768UL, 64UL << 40)]
    public void Traits_round_to_one_bit_and_bound_the_region_at_two_to_the_31_bits(string? orderPerBit, ulong unit, ulong maxRegionSize)
    {
        var settings = new Dictionary<string, string?> { ["OrderPerBit"] = orderPerBit };

        CmaAllocatorTraits traits = Create(1UL << 20, settings).Traits;

        Assert.Equal(new CmaAllocatorTraits(CmaRounding.Multiple, unit, maxRegionSize, freeAllLeavesOneBlock: true), traits);
    }

    private static ICmaAllocator Create(ulong size, Dictionary<string, string?>? settings) =>
        FirstPartyPlugins.Create("bitmap", new CmaRegion("r", Base, size, K4), settings);
}
