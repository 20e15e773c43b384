using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Alignment of the absolute address, larger than the size, equal to the region size.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.AddressesAreAlignedToTheRequest"/>.</summary>
    [Fact]
    public void Addresses_are_aligned_to_the_request() => Run(ConformanceSuite.AddressesAreAlignedToTheRequest);

    /// <summary><see cref="ConformanceSuite.AlignmentLargerThanTheSizeIsHonoured"/>.</summary>
    [Fact]
    public void Alignment_larger_than_the_size_is_honoured() => Run(ConformanceSuite.AlignmentLargerThanTheSizeIsHonoured);

    /// <summary><see cref="ConformanceSuite.AlignmentEqualToTheRegionSizeIsHonoured"/>.</summary>
    [Fact]
    public void Alignment_equal_to_the_region_size_is_honoured() => Run(ConformanceSuite.AlignmentEqualToTheRegionSizeIsHonoured);

    /// <summary><see cref="ConformanceSuite.AlignmentIsOfTheAbsoluteAddress"/>.</summary>
    [Fact]
    public void Alignment_is_of_the_absolute_address() => Run(ConformanceSuite.AlignmentIsOfTheAbsoluteAddress);
}
