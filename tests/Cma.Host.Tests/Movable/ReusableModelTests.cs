using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Movable;

/// <summary>
/// Model-based randomized runs over a small reusable backed region (and a non-reusable spill region in the chunks'
/// list): contiguous and movable allocations and frees, pattern writes through pins, pins held across steps, long-term
/// pins, compaction. After every step the layout (no overlap, inside the region, pinned chunks unmoved) and the
/// accounting are compared with the model; bytes are checked on the chunks a step touched and on all every 16th step.
/// </summary>
public sealed class ReusableModelTests
{
    /// <summary>Seed 1: a spill region; 2: none, movable chunks from the bottom; 3: a spill region that is reusable too.</summary>
    public static TheoryData<string, int, bool> Runs()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string allocator in new[] { "best-fit", "bitmap", "buddy", "tlsf" })
        {
            foreach (int seed in new[] { 1, 2, 3 })
                data.Add(allocator, seed, seed != 2);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Random_steps_keep_the_model_and_the_host_in_agreement(string allocator, int seed, bool spill)
    {
        Run(allocator, seed, spill, steps: 400, pinWeight: 1, out Dictionary<CmaOutcome, int> outcomes);
        Assert.True(outcomes.GetValueOrDefault(CmaOutcome.Ok) > 0, "no contiguous request succeeded");
    }

    [Theory]
    [InlineData("best-fit", 11)]
    [InlineData("bitmap", 12)]
    [InlineData("buddy", 13)]
    [InlineData("tlsf", 14)]
    public void Failed_contiguous_requests_are_explained_by_pins_or_lack_of_room(string allocator, int seed)
    {
        // Pin-heavy and crowded: requests fail, and each failure was checked against its cause in the run.
        Run(allocator, seed, spill: false, steps: 250, pinWeight: 4, out Dictionary<CmaOutcome, int> outcomes);
        Assert.True(outcomes.GetValueOrDefault(CmaOutcome.Ok) > 0, "no contiguous request succeeded");
        Assert.True(outcomes.GetValueOrDefault(CmaOutcome.Pinned) + outcomes.GetValueOrDefault(CmaOutcome.NoRoomToMigrate) > 0,
            $"no request was blocked by movable chunks: {string.Join(", ", outcomes)}");
    }

    private static void Run(string allocator, int seed, bool spill, int steps, int pinWeight, out Dictionary<CmaOutcome, int> outcomes)
    {
        string from = seed % 2 == 0 ? "Bottom" : "Top";
        string regions = $$"""[ { "Name": "r", "Size": "512K", "Allocator": "{{allocator}}", "Backing": "Native", "Reusable": true, "MovableFrom": "{{from}}", "MigrationRetries": {{seed % 4}} }"""
            + (spill ? $$""", { "Name": "spill", "Size": "256K", "Allocator": "best-fit", "Backing": "Native", "Reusable": {{(seed % 3 == 0 ? "true" : "false")}} } ]""" : " ]");
        using TestHost host = TestHost.Start(regions);
        string[] names = spill ? ["r", "spill"] : ["r"];
        var model = new MovableModel(host, names);
        var emptyLargest = names.ToDictionary(n => n, n => host.Service.GetRegion(n).LargestFreeBlock);
        var runner = new ModelSteps(model, new Random(seed), spill ? "r,spill" : "r", exactFree: true, pinWeight);
        for (int step = 0; step < steps; step++)
        {
            string what = runner.Step(step);
            model.CheckLayout(what);
            model.CheckAccounting(what, runner.ExactFree);
            if (step % 16 == 15)
            {
                foreach (ModelChunk c in model.Movables)
                    model.CheckBytes(c, what);
            }
        }
        outcomes = runner.Outcomes;
        if (pinWeight == 1)
            Assert.True(host.Service.GetRegion("r").Migrations > 0, "nothing moved: the run did not exercise migration");
        model.FreeAllAndCheckEmpty(emptyLargest);
    }
}
