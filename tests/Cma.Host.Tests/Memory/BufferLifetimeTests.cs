using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Memory;

/// <summary>A freed buffer refuses use: its span, memory, pointer and any Memory taken from it throw.</summary>
public class BufferLifetimeTests
{
    [Fact]
    public void A_disposed_buffer_throws_instead_of_handing_out_its_bytes()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);

        buffer.Dispose();

        Assert.True(buffer.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
        Assert.Throws<ObjectDisposedException>(() => buffer.Pointer);
        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan(0, 16).Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.Slice(0, 16));
    }

    [Fact]
    public void Memory_taken_before_the_free_throws_after_it_even_when_the_bytes_are_reused()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);
        Memory<byte> memory = buffer.Memory;
        Memory<byte> slice = buffer.Slice(16, 32);
        buffer.Dispose();

        using CmaBuffer reuser = BackedRegions.Allocate(host, "n", 4096);

        Assert.Equal(buffer.Address, reuser.Address);
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => slice.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => memory.Pin());
    }

    [Fact]
    public void Memory_of_a_live_buffer_reads_and_writes_its_bytes()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n"));
        using CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);
        buffer.Span.Fill(9);

        buffer.Memory[100..].Span[0] = 42;

        Assert.Equal(9, buffer.Memory.Span[4095]);
        Assert.Equal(42, buffer.Span[100]);
    }

    [Fact]
    public void Disposing_a_buffer_twice_frees_its_chunk_once()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);
        using CmaBuffer other = BackedRegions.Allocate(host, "n", 4096);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Equal(1, host.Service.GetRegion("n").Chunks);
    }

    [Fact]
    public void A_buffer_still_live_when_the_host_is_disposed_throws_instead_of_touching_unmapped_memory()
    {
        TestHost host = BackedRegions.Start(BackedRegions.Native("n"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);

        host.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
        buffer.Dispose();
    }

    [Fact]
    public void A_free_by_address_retires_the_buffer_so_it_neither_touches_nor_frees_the_next_owner()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);
        Memory<byte> memory = buffer.Memory;
        Memory<byte> slice = buffer.Slice(16, 32);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryFree(buffer.Address));
        using CmaBuffer next = BackedRegions.Allocate(host, "n", 4096);
        next.Span.Fill(0x5A);

        buffer.Dispose();
        buffer.DisposeChecked();

        Assert.Equal(buffer.Address, next.Address);
        Assert.True(buffer.IsDisposed);
        Assert.False(next.IsDisposed);
        Assert.Equal(1, host.Service.GetRegion("n").Chunks);
        Assert.False(next.Span.ContainsAnyExcept((byte)0x5A));
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
        Assert.Throws<ObjectDisposedException>(() => buffer.Pointer);
        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan(0, 16).Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.Slice(0, 16));
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => slice.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => memory.Pin());
    }

    [Fact]
    public void The_error_of_a_retired_buffer_says_its_chunk_was_freed_by_address()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);
        host.Service.Free(buffer.Address);

        ObjectDisposedException e = Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);

        Assert.Contains($"0x{buffer.Address:X}", e.Message, StringComparison.Ordinal);
        Assert.Contains("freed by address", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retired_buffer_of_a_planning_region_never_frees_the_raw_chunk_placed_after_it()
    {
        using TestHost host = BackedRegions.Start(TestHost.Region("plan"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "plan", 4096);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryFree(buffer.Address));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("plan", 4096, 0, out CmaChunk next));

        buffer.Dispose();

        Assert.Equal(buffer.Address, next.Address);
        Assert.Equal(1, host.Service.GetRegion("plan").Chunks);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryFree(next.Address));
    }

    [Fact]
    public void Buffers_freed_by_address_and_disposed_from_racing_threads_free_each_chunk_once()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("n", "4M"));
        const int Rounds = 2000;
        for (int round = 0; round < Rounds; round++)
        {
            CmaBuffer buffer = BackedRegions.Allocate(host, "n", 4096);
            using var start = new Barrier(2);
            CmaBuffer? next = null;
            var byAddress = new Thread(() =>
            {
                start.SignalAndWait();
                if (host.Service.TryFree(buffer.Address) == CmaOutcome.Ok)
                    next = BackedRegions.Allocate(host, "n", 4096);   // the next owner, at the same address
            });
            byAddress.Start();
            start.SignalAndWait();
            buffer.Dispose();
            byAddress.Join();

            Assert.Equal(next is null ? 0 : 1, host.Service.GetRegion("n").Chunks);
            next?.Dispose();
        }
    }

    [Fact]
    public void A_buffer_from_an_address_space_only_region_has_an_address_but_no_bytes()
    {
        using TestHost host = BackedRegions.Start(TestHost.Region("plan"));

        using CmaBuffer buffer = BackedRegions.Allocate(host, "plan", 4096);

        Assert.Equal(CmaBacking.None, buffer.Backing);
        Assert.Equal(1UL << 30, buffer.Address);
        Assert.Throws<InvalidOperationException>(() => buffer.Span.Length);
    }

    [Fact]
    public void A_restarted_file_region_is_empty_and_never_hands_out_the_previous_runs_bytes()
    {
        string path = Path.Combine(Path.GetTempPath(), "cma-test-" + Guid.NewGuid().ToString("N") + ".bin");
        try
        {
            string region = BackedRegions.Mapped("f", "File", path);
            ulong offset;
            using (TestHost first = BackedRegions.Start(region))
            {
                using CmaBuffer header = BackedRegions.Allocate(first, "f", 4096);
                using CmaBuffer data = BackedRegions.Allocate(first, "f", 8192);
                data.Span.Fill(0x77);
                offset = data.RegionOffset;
            }
            byte[] kept = File.ReadAllBytes(path);

            using TestHost second = BackedRegions.Start(region);
            using CmaBuffer header2 = BackedRegions.Allocate(second, "f", 4096);
            using CmaBuffer data2 = BackedRegions.Allocate(second, "f", 8192);

            Assert.False(kept.AsSpan((int)offset, 8192).ContainsAnyExcept((byte)0x77), "the file is kept when the host stops");
            Assert.Equal(offset, data2.RegionOffset);
            Assert.False(data2.Span.ContainsAnyExcept((byte)0), "a restarted region is empty: the previous run's bytes are gone");
            Assert.False(File.ReadAllBytes(path).AsSpan().ContainsAnyExcept((byte)0));
            Assert.Equal(1L << 20, new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
