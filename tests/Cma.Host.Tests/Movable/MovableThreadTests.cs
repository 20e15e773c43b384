using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Movable;

/// <summary>
/// Threads on one reusable backed region and its spill region: owners of movable chunks pin, write, verify and free
/// them; another thread allocates and frees large contiguous chunks (migrating them); another compacts. A fixed number of
/// operations each; no corruption, no deadlock, no pinned chunk moved, exact accounting at the end.
/// </summary>
public sealed class MovableThreadTests
{
    private const ulong K = 1024;

    [Theory]
    [InlineData("best-fit", 1)]
    [InlineData("buddy", 2)]
    [InlineData("tlsf", 3)]
    public async Task Owners_contiguous_requests_and_compaction_run_together_without_corruption(string allocator, int seed)
    {
        using TestHost host = TestHost.Start(
            $$"""[ { "Name": "r", "Size": "512K", "Allocator": "{{allocator}}", "Backing": "Native", "Reusable": true, "MigrationRetries": 2 },"""
            + """ { "Name": "spill", "Size": "256K", "Allocator": "best-fit", "Backing": "Native" } ]""");
        var emptyLargest = new[] { "r", "spill" }.ToDictionary(n => n, n => host.Service.GetRegion(n).LargestFreeBlock);
        var tasks = new List<Task>();
        for (int t = 0; t < 3; t++)
        {
            int worker = t;
            tasks.Add(Task.Factory.StartNew(() => Owner(host, new Random(seed * 100 + worker), worker, 250), TaskCreationOptions.LongRunning));
        }
        tasks.Add(Task.Factory.StartNew(() => Contiguous(host, new Random(seed), 150), TaskCreationOptions.LongRunning));
        Task<int> compactor = Task.Factory.StartNew(() => Compactor(host, 60), TaskCreationOptions.LongRunning);
        tasks.Add(compactor);
        Task all = Task.WhenAll(tasks);
        Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(90))) == all, "the threads did not finish: deadlock or livelock");
        await all;   // an assertion failed on a thread fails the test

        CmaRegionSnapshot r = host.Service.GetRegion("r");
        int compacted = await compactor;
        Assert.True(r.Migrations > compacted, $"only compaction moved chunks ({r.Migrations} moves): no contiguous request or long-term pin migrated any");
        foreach (string name in new[] { "r", "spill" })
        {
            CmaRegionSnapshot s = host.Service.GetRegion(name);
            Assert.Equal(RegionState.Active, s.State);
            Assert.Equal((0L, 0L, 0UL, 0L), (s.Chunks, s.MovableChunks, s.MovableBytes, s.PinnedChunks));
            Assert.Equal(s.Size, s.FreeBytes);
            Assert.Equal(emptyLargest[name], s.LargestFreeBlock);
        }
    }

    /// <summary>An owner of movable chunks: allocates, writes through a pin, later pins and verifies, frees.</summary>
    private static void Owner(TestHost host, Random random, int worker, int operations)
    {
        var held = new List<(CmaMovableChunk Chunk, int Seed)>();
        int nextSeed = worker * 100_000 + 1;
        for (int op = 0; op < operations; op++)
        {
            int pick = random.Next(10);
            if (held.Count < 4 || pick < 4)
            {
                ulong size = (ulong)random.Next(1, 9) * 4 * K - (ulong)random.Next(2) * 100;
                if (host.Service.TryAllocateMovableFrom("r,spill", size, 0, random.Next(4) == 0, out CmaMovableChunk? c) == CmaOutcome.Ok)
                {
                    int s = nextSeed++;
                    PinAnd(c!, random.Next(5) == 0, pin => MovableModel.Write(pin, s));
                    held.Add((c!, s));
                }
                continue;
            }
            int k = random.Next(held.Count);
            (CmaMovableChunk chunk, int seed) = held[k];
            bool alive = PinAnd(chunk, random.Next(8) == 0, pin => MovableModel.Verify(pin, seed, $"worker {worker} op {op}"));
            if (!alive || pick >= 8)
            {
                chunk.Dispose();
                Assert.True(chunk.IsFreed);
                held.RemoveAt(k);
            }
        }
        foreach ((CmaMovableChunk chunk, int seed) in held)
        {
            PinAnd(chunk, false, pin => MovableModel.Verify(pin, seed, $"worker {worker} at the end"));
            chunk.Dispose();
        }
    }

    /// <summary>Pins <paramref name="chunk"/>, runs <paramref name="use"/>, checks the chunk did not move, unpins; false
    /// when it was discarded (only a discardable chunk may be).</summary>
    private static bool PinAnd(CmaMovableChunk chunk, bool longTerm, Action<CmaPin> use)
    {
        CmaOutcome outcome = chunk.TryPin(longTerm, out CmaPin? pin);
        if (outcome == CmaOutcome.Discarded)
        {
            Assert.True(chunk.IsDiscardable, $"{chunk} was discarded but is not discardable");
            return false;
        }
        Assert.Equal(CmaOutcome.Ok, outcome);
        string region = chunk.Region;
        using (pin)
        {
            use(pin!);
            Thread.Yield();   // hold it a little while others migrate
            Assert.Equal((pin!.Address, region), (chunk.Address, chunk.Region));
        }
        return true;
    }

    /// <summary>Allocates and frees large contiguous chunks, holding up to two.</summary>
    private static void Contiguous(TestHost host, Random random, int operations)
    {
        var held = new Queue<ulong>();
        for (int op = 0; op < operations; op++)
        {
            if (held.Count >= 2 || (held.Count > 0 && random.Next(3) == 0))
            {
                host.Service.Free(held.Dequeue());
                continue;
            }
            ulong size = (ulong)random.Next(1, 4) * 64 * K;
            CmaOutcome outcome = host.Service.TryAllocateFrom("r", size, 0, out CmaChunk chunk);
            Assert.Contains(outcome, new[] { CmaOutcome.Ok, CmaOutcome.NoSpace, CmaOutcome.Pinned, CmaOutcome.NoRoomToMigrate });
            if (outcome == CmaOutcome.Ok)
                held.Enqueue(chunk.Address);
        }
        while (held.Count > 0)
            host.Service.Free(held.Dequeue());
    }

    /// <summary>Compacts the reusable region a fixed number of times; returns the moves made.</summary>
    private static int Compactor(TestHost host, int times)
    {
        int moves = 0;
        for (int i = 0; i < times; i++)
        {
            foreach (CmaMove m in host.Service.Compact("r"))
            {
                Assert.Equal((CmaMoveReason.Compaction, "r", "r"), (m.Reason, m.FromRegion, m.ToRegion));
                moves++;
            }
            Thread.Sleep(1);
        }
        return moves;
    }
}
