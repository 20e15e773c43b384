using System.Numerics;

namespace Cma.Plugins.Tests.Contract;

/// <summary><see cref="CmaAllocatorTraits.ReservedBytes"/> against a model in unbounded integers: the host's accounting
/// check rests on it, for every power-of-two unit and both roundings, up to the top of the 64-bit range.</summary>
public sealed class ReservedBytesTests
{
    [Theory]
    [InlineData(CmaRounding.Multiple)]
    [InlineData(CmaRounding.PowerOfTwo)]
    public void Reserved_bytes_match_a_model_in_unbounded_integers(CmaRounding rounding)
    {
        var random = new Random(20_261_206);
        for (int i = 0; i < 200_000; i++)
        {
            ulong unit = 1UL << random.Next(0, 64);
            ulong size = (i % 5) switch
            {
                0 => ulong.MaxValue - (ulong)random.Next(0, 1 << 16),        // near the top: saturates
                1 => (ulong)random.Next(0, 4),
                _ => (ulong)random.NextInt64() >> random.Next(0, 63),
            };
            var traits = new CmaAllocatorTraits(rounding, unit, ulong.MaxValue, freeAllLeavesOneBlock: true);

            Assert.Equal(Model(rounding, unit, size), traits.ReservedBytes(size));
            Assert.Equal(Model(CmaRounding.Multiple, 1, size), default(CmaAllocatorTraits).ReservedBytes(size));   // unit 0 means 1
        }
    }

    /// <summary>size rounded up to whole units (then to a power of two of units), saturated at 2^64 - 1.</summary>
    private static ulong Model(CmaRounding rounding, ulong unit, ulong size)
    {
        if (size == 0)
            return 0;
        BigInteger u = unit == 0 ? 1 : unit;
        BigInteger units = (size + u - 1) / u;
        if (rounding == CmaRounding.PowerOfTwo)
        {
            BigInteger p = 1;
            while (p < units)
                p <<= 1;
            units = p;
        }
        BigInteger bytes = units * u;
        return bytes > ulong.MaxValue ? ulong.MaxValue : (ulong)bytes;
    }
}
