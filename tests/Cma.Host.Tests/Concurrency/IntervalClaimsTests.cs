namespace Cma.Host.Tests.Concurrency;

/// <summary>The stress checker must itself catch every kind of overlap, or the stress test could not fail.</summary>
public class IntervalClaimsTests
{
    [Theory]
    [InlineData(0x1000UL, 0x1000UL)] // the same start
    [InlineData(0x1800UL, 0x100UL)]  // inside
    [InlineData(0x0800UL, 0x2000UL)] // enclosing
    [InlineData(0x0800UL, 0x0801UL)] // reaching one byte into it
    [InlineData(0x1FFFUL, 0x1000UL)] // starting on its last byte
    public void A_claim_that_overlaps_a_live_claim_is_rejected_and_not_recorded(ulong start, ulong size)
    {
        var claims = new IntervalClaims();
        Assert.Null(claims.TryClaim(0x1000, 0x1000));

        (ulong Start, ulong End)? overlap = claims.TryClaim(start, size);

        Assert.Equal((0x1000UL, 0x2000UL), overlap);
        Assert.Equal(1, claims.Count);
    }

    [Fact]
    public void Adjacent_claims_are_accepted_and_a_dropped_claim_frees_its_range()
    {
        var claims = new IntervalClaims();

        Assert.Null(claims.TryClaim(0x1000, 0x1000));
        Assert.Null(claims.TryClaim(0x2000, 0x1000));
        Assert.Null(claims.TryClaim(0x0000, 0x1000));
        Assert.True(claims.Drop(0x2000));
        Assert.False(claims.Drop(0x2000));
        Assert.Null(claims.TryClaim(0x2000, 0x800));
        Assert.Equal(3, claims.Count);
    }
}
