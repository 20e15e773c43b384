using System.Text.RegularExpressions;
using Cma.Runtime;
using Cma.Runtime.Configuration;
using Cma.Runtime.Memory;
using Microsoft.Extensions.Configuration;

namespace Cma.Host.Tests.Configuration;

public partial class RegionLayoutTests
{
    private const ulong Base = 1UL << 30;
    private const ulong Page = 4096;
    private static readonly IConfiguration s_noSettings = new ConfigurationBuilder().Build();
    private static readonly RegionMemoryOptions s_native = new(CmaBacking.Native, null, false, null, 0);

    [Fact]
    public void Placement_and_overlap_reports_match_a_naive_model_on_seeded_random_layouts()
    {
        var random = new Random(20261206);
        for (int round = 0; round < 300; round++)
        {
            List<RegionOptions> input = RandomLayout(random, random.Next(1, 40));
            var problems = new ConfigProblems();

            List<RegionOptions> placed = RegionLayout.Place(input, Base, "Cma:PlacementBase", problems);

            Assert.Equal(input.Select(r => r.Name), placed.Select(r => r.Name));
            Assert.Equal(NaiveStarts(input), placed.Select(r => r.Start));
            List<RegionOptions> addressed = [.. placed.Where(r => !r.Memory.IsBacked)];
            Assert.Equal(NaiveOverlappingCount(addressed), problems.Count);
            foreach (ConfigProblem problem in problems.Items)
            {
                Match m = OverlapMessage().Match(problem.Message);
                Assert.True(m.Success, problem.Message);
                RegionOptions a = addressed.Single(r => r.Name == m.Groups[1].Value), b = addressed.Single(r => r.Name == m.Groups[2].Value);
                Assert.True(a.Start < b.End && b.Start < a.End, problem.Message);
                Assert.Equal(a.Field, problem.Field);
            }
        }
    }

    /// <summary>Regions of 1 to 15 pages; a third have a Start near the base, a fifth are backed.</summary>
    private static List<RegionOptions> RandomLayout(Random random, int count)
    {
        var regions = new List<RegionOptions>(count);
        for (int i = 0; i < count; i++)
        {
            bool hasStart = random.Next(3) == 0;
            ulong start = hasStart ? Base + (ulong)random.Next(0, 64) * Page : 0;
            regions.Add(new RegionOptions($"r{i}", start, (ulong)random.Next(1, 16) * Page, Page, Page, "best-fit", s_noSettings, $"Cma:Regions:{i}")
            {
                HasStart = hasStart,
                Memory = random.Next(5) == 0 ? s_native : RegionMemoryOptions.AddressOnly,
            });
        }
        return regions;
    }

    /// <summary>The model's starts: backed 0; given as given; otherwise the end of the previous placed region.</summary>
    private static List<ulong> NaiveStarts(List<RegionOptions> input)
    {
        var starts = new List<ulong>();
        ulong cursor = Base;
        foreach (RegionOptions r in input)
        {
            if (r.Memory.IsBacked)
            {
                starts.Add(0);
                continue;
            }
            ulong start = r.HasStart ? r.Start : cursor;
            starts.Add(start);
            cursor = start + r.Size;
        }
        return starts;
    }

    /// <summary>The model's count: every region that overlaps some region starting before it (ties: earlier in order).</summary>
    private static int NaiveOverlappingCount(List<RegionOptions> regions)
    {
        int count = 0;
        for (int i = 0; i < regions.Count; i++)
        {
            for (int k = 0; k < regions.Count; k++)
            {
                bool before = regions[k].Start < regions[i].Start || (regions[k].Start == regions[i].Start && k < i);
                if (before && regions[k].End > regions[i].Start)
                {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    [GeneratedRegex(@"^region '(r\d+)' \[.*overlaps region '(r\d+)' \[")]
    private static partial Regex OverlapMessage();
}
