using System.Text.RegularExpressions;
using CsCheck;

namespace Cma.Conformance;

/// <summary>
/// Model-based random testing with CsCheck: random allocate/free sequences of mixed sizes and alignments run on a
/// fresh allocator and are checked step by step against <see cref="LiveSetModel"/>. The sequences come one after
/// another from the seed, so a run is reproducible; the first failing one is then shrunk by CsCheck to the smallest
/// failing sequence it finds, and reported with the seed that generates exactly that sequence.
/// </summary>
internal static partial class RandomizedChecks
{
    /// <summary>The longest generated sequence; sequences average half of it.</summary>
    private const int LongestSequence = 1000;

    /// <summary>How many candidates CsCheck tries when shrinking a failing sequence.</summary>
    private const int ShrinkIterations = 1000;

    /// <summary>The generator of one sequence.</summary>
    private static readonly Gen<RandomOperation[]> s_sequences = RandomOperation.Generator.Array[1, LongestSequence];

    /// <summary>Runs <see cref="ConformanceOptions.Ops"/> random operations in sequences of up to 1,000 on a region of
    /// 2045 granules starting 16 granules past 1 GiB; a failure is shrunk and reported with its seed.</summary>
    public static void RandomSequencesMatchTheModel(ConformanceContext context)
    {
        PCG random = PCG.Parse(context.Options.Seed ?? ConformanceOptions.DefaultSeed);
        long iterations = Math.Max(1, 2L * context.Options.Ops / (LongestSequence + 1));
        for (long i = 0; i < iterations; i++)
        {
            string sequenceSeed = random.ToString(random.State);
            RandomOperation[] operations = s_sequences.Generate(random, null, out _);
            try
            {
                RunSequence(context, operations);
            }
            catch (ConformanceFailure failure)
            {
                throw Shrink(context, sequenceSeed, failure);
            }
        }
    }

    /// <summary>Whether <paramref name="seed"/> is a seed string the randomized check can start from.</summary>
    public static bool IsValidSeed(string seed)
    {
        try
        {
            PCG.Parse(seed);
            return true;
        }
        catch (Exception e) when (e is CsCheckException or FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>Lets CsCheck shrink the failing sequence generated from <paramref name="seed"/>; returns the failure of
    /// the smallest failing sequence found, with the seed that generates it.</summary>
    private static ConformanceFailure Shrink(ConformanceContext context, string seed, ConformanceFailure first)
    {
        try
        {
            Check.Sample(
                s_sequences,
                operations => RunSequence(context, operations),
                seed: seed,
                iter: ShrinkIterations,
                threads: 1,
                print: operations => $"{operations.Length} generated operations");
        }
        catch (CsCheckException e) when (e.InnerException is ConformanceFailure smallest)
        {
            string shrunkSeed = SeedPattern().Match(e.Message) is { Success: true } match ? match.Groups[1].Value : seed;
            return Report(smallest, shrunkSeed, "shrunk to the smallest failing sequence found");
        }
        return Report(first, seed, "not shrunk: it did not fail again when CsCheck replayed it, so the allocator is not deterministic");
    }

    /// <summary>The failure of a randomized sequence with its seed.</summary>
    private static ConformanceFailure Report(ConformanceFailure failure, string seed, string how) =>
        new($"A random sequence broke the contract ({how}): {failure.Message}\n" +
            $"  reproduce with seed {seed} (cma conformance --seed {seed}, or ConformanceOptions.Seed).", seed);

    /// <summary>Runs one generated sequence on a fresh allocator; the session checks every step and frees everything at the end.</summary>
    private static void RunSequence(ConformanceContext context, RandomOperation[] operations)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 16, 2045), logAll: true);
        ulong g = session.Granule;
        foreach (RandomOperation operation in operations)
        {
            if (operation.IsAllocation)
                session.TryAllocate(operation.Size(g), operation.Alignment(g), out _);
            else if (session.Model.Count > 0)
                session.Free(session.Model[operation.Pick % session.Model.Count].Address);
        }
        session.FreeAll();
        CmaAllocatorStats stats = session.CheckStats();
        if (stats != session.InitialStats)
        {
            throw session.Fail($"After every allocation was freed the stats are {ByteText.Stats(stats)}, but the fresh allocator reported " +
                $"{ByteText.Stats(session.InitialStats)}: freeing must coalesce the free space back to what it was.");
        }
    }

    /// <summary>CsCheck's "Set seed: "…"" in its failure message.</summary>
    [GeneratedRegex("Set seed: \"([^\"]+)\"")]
    private static partial Regex SeedPattern();
}
