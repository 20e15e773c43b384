using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Concurrency;

/// <summary>
/// Snapshots are read without the region's lock while the lock holder publishes after every operation: each must
/// still be of one moment. With one-granule chunks on an exact allocator, the free bytes of a consistent snapshot are
/// the region size minus a granule per live chunk; a snapshot that mixed two operations would break that.
/// </summary>
[Collection("Stress")]
public sealed class SnapshotConsistencyTests
{
    private const ulong K4 = 4096;

    [Fact]
    public async Task Snapshots_read_while_another_thread_allocates_and_frees_are_each_of_one_moment()
    {
        using TestHost host = TestHost.Start($"[ {TestHost.Region("a", "best-fit", "1M")} ]");
        int done = 0;
        var churn = Task.Run(() =>
        {
            try
            {
                var live = new Queue<ulong>();
                for (int i = 0; i < 100_000; i++)
                {
                    if (live.Count == 0 || (live.Count < 64 && i % 3 != 0))
                    {
                        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("a", K4, 0, out CmaChunk chunk));
                        live.Enqueue(chunk.Address);
                    }
                    else
                    {
                        host.Service.Free(live.Dequeue());
                    }
                }
            }
            finally
            {
                Volatile.Write(ref done, 1);
            }
        });

        long reads = 0;
        string? torn = null;
        while (Volatile.Read(ref done) == 0 && torn is null)
        {
            CmaRegionSnapshot a = host.Service.GetRegion("a");
            if (a.FreeBytes != a.Size - (ulong)a.Chunks * K4 || a.LargestFreeBlock > a.FreeBytes || a.FreeBlocks == 0)
                torn = a.ToString();
            reads++;
        }
        await churn;

        Assert.Null(torn);
        Assert.True(reads > 0);
    }
}
