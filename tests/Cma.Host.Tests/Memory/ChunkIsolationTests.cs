using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Memory;

/// <summary>Real bytes behind real chunks: what one chunk holds never shows up in another, and pointers are aligned.</summary>
public class ChunkIsolationTests
{
    [Theory]
    [InlineData("best-fit", 11)]
    [InlineData("bitmap", 12)]
    [InlineData("buddy", 13)]
    public void Bytes_written_to_one_chunk_never_appear_in_another(string allocator, int seed)
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n", "4M", allocator));
        var random = new Random(seed);
        var live = new List<(CmaBuffer Buffer, byte Id)>();
        var idInUse = new bool[256];
        for (int op = 0; op < 800; op++)
        {
            if (live.Count > 0 && (random.Next(3) == 0 || live.Count == 255))
            {
                int i = random.Next(live.Count);
                AssertHoldsOnly(live[i].Buffer, live[i].Id);
                live[i].Buffer.Dispose();
                idInUse[live[i].Id] = false;
                live.RemoveAt(i);
            }
            else if (host.Service.TryAllocateBufferFrom("n", (ulong)random.Next(1, 96 * 1024), 1UL << random.Next(12, 18), out CmaBuffer? buffer) == CmaOutcome.Ok)
            {
                byte id = (byte)Array.IndexOf(idInUse, false, 1);
                idInUse[id] = true;
                buffer!.Span.Fill(id);
                live.Add((buffer, id));
            }
            if (op % 50 == 0)
            {
                foreach ((CmaBuffer b, byte id) in live)
                    AssertHoldsOnly(b, id);
            }
        }
        foreach ((CmaBuffer b, byte id) in live)
            AssertHoldsOnly(b, id);
        Assert.True(live.Count > 10, "the workload should keep many chunks live at once");
    }

    [Fact]
    public void A_native_region_starts_at_its_mapping_aligned_to_the_region_alignment()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n", "16M", extra: "\"Alignment\": \"2M\""));

        global::Cma.Runtime.Regions.Region region = host.RegionNamed("n");
        CmaRegionSnapshot snapshot = host.Service.GetRegion("n");

        Assert.Equal(region.Memory!.Base, region.Info.Start);
        Assert.Equal(region.Info.Start, snapshot.Start);
        Assert.Equal(CmaBacking.Native, snapshot.Backing);
        Assert.Equal(0UL, region.Info.Start % (2UL << 20));
    }

    [Fact]
    public void A_file_region_with_an_alignment_above_the_page_size_is_mapped_at_an_aligned_address()
    {
        string path = Path.Combine(Path.GetTempPath(), "cma-test-" + Guid.NewGuid().ToString("N") + ".bin");
        try
        {
            using TestHost host = BackedRegions.Start(BackedRegions.Mapped("f", "File", path, "4M", "\"Alignment\": \"4M\""));

            Assert.Equal(0UL, host.RegionNamed("f").Info.Start % (4UL << 20));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(64 * 1024)]
    [InlineData(1 << 20)]
    [InlineData(2 << 20)]
    public void Real_pointers_are_aligned_to_the_requested_alignment(ulong alignment)
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n", "16M", "buddy"));
        using CmaBuffer small = BackedRegions.Allocate(host, "n", 4096);

        using CmaBuffer buffer = BackedRegions.Allocate(host, "n", 12345, alignment);

        Assert.Equal(0L, buffer.Pointer % (nint)alignment);
        Assert.Equal(buffer.Address, (ulong)buffer.Pointer);
    }

    [Fact]
    public void A_buffer_of_two_gigabytes_or_more_is_reached_through_slices()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("big", "2052M"));
        using CmaBuffer buffer = BackedRegions.Allocate(host, "big", 2UL << 30);   // one byte more than a span holds; untouched but below
        ulong offset = (2UL << 30) - 8192;

        buffer.GetSpan(offset, 8192).Fill(0x42);

        Assert.Throws<InvalidOperationException>(() => buffer.Span.Length);
        Assert.Throws<InvalidOperationException>(() => buffer.Memory.Length);
        Assert.False(buffer.Slice(offset, 8192).Span.ContainsAnyExcept((byte)0x42));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(offset, 8193));
    }

    private static void AssertHoldsOnly(CmaBuffer buffer, byte id)
    {
        int at = buffer.Span.IndexOfAnyExcept(id);
        Assert.True(at < 0, $"chunk {buffer} filled with {id} holds {(at < 0 ? 0 : buffer.Span[at])} at offset {at}");
    }
}
