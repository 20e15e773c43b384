using System.Numerics;
using CsCheck;

namespace Cma.Conformance;

/// <summary>The randomized exact-placement check: a seeded mix of allocations, frees and reserves, judged by a model of
/// what every live allocation occupies (its footprint: from its address, what it reserves per the traits).</summary>
internal static partial class ExactPlacementChecks
{
    /// <summary>Operations per fresh allocator; a failure shows all of them.</summary>
    private const int SequenceLength = 400;

    /// <summary>A quarter of <see cref="ConformanceOptions.Ops"/> (at most 25,000) random operations from the options'
    /// seed, in sequences of 400 on fresh allocators of a 509-unit region 16 units past 1 GiB: allocate, free, reserve a
    /// random range (half of them aligned to their size), reserve a range over a live allocation. A reserve succeeds
    /// only if its footprint was free and, for an allocator whose reserves are exact, whenever it was; one over a live
    /// allocation fails and changes nothing; after each sequence freeing everything restores the fresh stats.</summary>
    public static void RandomReservesMatchTheFootprintModel(ConformanceContext context)
    {
        string seed = context.Options.Seed ?? ConformanceOptions.DefaultSeed;
        var random = new Random((int)PCG.Parse(seed).Next());
        int ops = Math.Clamp(context.Options.Ops / 4, 1, 25_000);
        for (int done = 0, sequence = 1; done < ops; sequence++)
        {
            int length = Math.Min(ops - done, SequenceLength);
            try
            {
                RunReserveSequence(context, random, length);
            }
            catch (ConformanceFailure failure)
            {
                throw new ConformanceFailure($"{failure.Message}\n  (random sequence {sequence} of the run from seed {seed} with --ops {context.Options.Ops}: " +
                    $"cma conformance --seed {seed} --ops {context.Options.Ops}, or ConformanceOptions.Seed and Ops.)", failure.InnerException);
            }
            done += length;
        }
    }

    /// <summary>One sequence on a fresh allocator; the session checks every step.</summary>
    private static void RunReserveSequence(ConformanceContext context, Random random, int length)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 16, 509), logAll: true);
        ulong u = context.RegionUnit;
        for (int i = 0; i < length; i++)
        {
            int kind = random.Next(10);
            if (kind < 3)
                session.TryAllocate((ulong)random.Next(1, 17) * u, u << random.Next(0, 5), out _);
            else if (kind < 5 && session.Model.Count > 0)
                session.Free(session.Model[random.Next(session.Model.Count)].Address);
            else if (kind < 8)
                ReserveAnywhere(session, random);
            else if (session.Model.Count > 0)
                ReserveOverALiveRange(session, session.Model[random.Next(session.Model.Count)], random);
        }
        ExpectFreshStatsAfterFreeingAll(session, random);
    }

    /// <summary>A reserve of 1–16 units (or a power of two of them) at a random unit, half the time moved down to a
    /// multiple of its size's power of two: it must succeed exactly when the model says its footprint is free (only
    /// "success ⇒ free" for an allocator that may refuse).</summary>
    private static void ReserveAnywhere(AllocatorSession session, Random random)
    {
        ulong u = session.Context.RegionUnit;
        CmaRegion region = session.Region;
        ulong size = random.Next(2) == 0 ? u << random.Next(0, 5) : (ulong)random.Next(1, 17) * u;
        ulong address = region.Start + (ulong)random.NextInt64((long)(region.Size / u)) * u;
        if (random.Next(2) == 0)
        {
            ulong block = BitOperations.RoundUpToPowerOf2(size);
            address = Math.Max(address & ~(block - 1), AlignUp(region.Start, block));
        }
        if (address >= region.End)
            return;
        size = Math.Min(size, region.End - address);
        if (session.FootprintOverlap(address, session.Footprint(address, size)) is null)
            session.Reserve(address, size, "by the model no live allocation reaches what it would reserve");
        else
            session.ReserveMustFail(address, size, "by the model a live allocation overlaps what it would reserve.");
    }

    /// <summary>A reserve that starts up to two units before <paramref name="live"/> and covers at least its first unit:
    /// it must fail and change nothing.</summary>
    private static void ReserveOverALiveRange(AllocatorSession session, LiveAllocation live, Random random)
    {
        ulong u = session.Context.RegionUnit;
        ulong address = live.Address - Math.Min((ulong)random.Next(0, 3) * u, live.Address - session.Region.Start);
        ulong size = Math.Min(live.Address - address + (ulong)random.Next(1, 4) * u, session.Region.End - address);
        session.ReserveMustFail(address, size, $"it overlaps the live range {ByteText.Range(live.Address, live.Size)}.");
    }
}
