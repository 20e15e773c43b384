using Cma.Runtime.Memory;
using Cma.Host.Tests.Api;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cma.Host.Tests.Memory;

/// <summary>Zero on allocate, poison on free and guard bytes, observed in the bytes themselves.</summary>
public class DebugOptionTests
{
    [Fact]
    public void Zero_on_allocate_hands_out_zeroed_bytes_where_a_freed_chunk_left_dirt()
    {
        using TestHost host = TestHost.Start($"[ {BackedRegions.Native("plain")}, {BackedRegions.Native("zeroed", extra: "\"ZeroOnAllocate\": true")} ]");

        (ulong firstPlain, CmaBuffer plain) = DirtyThenReallocate(host, "plain");
        (ulong firstZeroed, CmaBuffer zeroed) = DirtyThenReallocate(host, "zeroed");

        Assert.Equal(firstPlain, plain.Address);
        Assert.Equal(firstZeroed, zeroed.Address);
        Assert.False(plain.Span.ContainsAnyExcept((byte)0xFF), "without ZeroOnAllocate the reused bytes keep the old contents");
        Assert.False(zeroed.Span.ContainsAnyExcept((byte)0), "with ZeroOnAllocate the reused bytes are zero");
    }

    [Fact]
    public void Poison_on_free_writes_the_pattern_over_the_freed_chunk()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("p", extra: "\"PoisonOnFree\": \"0xA5\""));
        CmaBuffer buffer = BackedRegions.Allocate(host, "p", 64 * 1024);
        buffer.Span.Fill(0x11);
        ulong address = buffer.Address;

        buffer.Dispose();

        Assert.False(RegionMemory.Bytes(address, 64 * 1024).ContainsAnyExcept((byte)0xA5));
    }

    [Fact]
    public void Poison_on_free_true_writes_the_kernel_poison_byte()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("p", extra: "\"PoisonOnFree\": true"));
        CmaBuffer buffer = BackedRegions.Allocate(host, "p", 4096);
        ulong address = buffer.Address;

        buffer.Dispose();

        Assert.False(RegionMemory.Bytes(address, 4096).ContainsAnyExcept((byte)0x6B));
    }

    [Fact]
    public void An_overrun_found_at_dispose_is_counted_and_raised_but_never_thrown()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"64\""), """[ "gpu=g" ]""");
        using var counter = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.guard_overruns");
        CmaGuardOverrun? raised = null;
        host.Service.GuardOverrun += o => raised = o;
        CmaBuffer buffer = host.Service.AllocateBuffer("gpu", "staging", 1000);
        buffer.Span.Fill(1);
        RegionMemory.Bytes(buffer.Address + 1000, 3)[2] = 0;   // one byte written 3 bytes past the end

        Exception? thrown = Record.Exception(buffer.Dispose);

        Assert.Null(thrown);
        Assert.Equal(Overrun("g", buffer.Address, 1000, "gpu/staging", 1002, 1), raised);
        Assert.Equal(1, counter.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(0, host.Service.GetRegion("g").Chunks);
    }

    [Fact]
    public void A_guard_overrun_handler_that_throws_neither_makes_Dispose_throw_nor_silences_the_next_handler()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"16\""));
        CmaGuardOverrun? raised = null;
        host.Service.GuardOverrun += _ => throw new InvalidOperationException("a broken handler");
        host.Service.GuardOverrun += o => raised = o;
        CmaBuffer buffer = BackedRegions.Allocate(host, "g", 100);
        RegionMemory.Bytes(buffer.Address + 100, 1)[0] = 7;

        Exception? thrown = Record.Exception(buffer.Dispose);

        Assert.Null(thrown);
        Assert.NotNull(raised);
        Assert.Equal(0, host.Service.GetRegion("g").Chunks);
    }

    [Fact]
    public void DisposeChecked_frees_the_chunk_then_throws_the_overrun_with_its_address_and_owner()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"64\""), """[ "gpu=g" ]""");
        using var counter = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.guard_overruns");
        CmaGuardOverrun? raised = null;
        host.Service.GuardOverrun += o => raised = o;
        CmaBuffer buffer = host.Service.AllocateBuffer("gpu", "staging", 1000);
        RegionMemory.Bytes(buffer.Address + 1000, 3)[2] = 0;

        CmaGuardOverrunException e = Assert.Throws<CmaGuardOverrunException>(buffer.DisposeChecked);

        Assert.Equal(Overrun("g", buffer.Address, 1000, "gpu/staging", 1002, 1), e.Overrun);
        Assert.Contains($"0x{buffer.Address:X}", e.Message, StringComparison.Ordinal);
        Assert.Contains("gpu/staging", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 guard byte changed, the first at offset 1002 (byte 3 past the end).", e.Message, StringComparison.Ordinal);
        Assert.Equal(e.Overrun, raised);
        Assert.Equal(1, counter.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(0, host.Service.GetRegion("g").Chunks);
        Assert.True(buffer.IsDisposed);
    }

    [Fact]
    public void DisposeChecked_of_an_intact_or_already_freed_buffer_does_not_throw()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"64\""));
        CmaBuffer buffer = BackedRegions.Allocate(host, "g", 4096);
        buffer.Span.Fill(0xFF);

        buffer.DisposeChecked();
        buffer.DisposeChecked();

        Assert.Equal(0, host.Service.GetRegion("g").Chunks);
    }

    [Theory]
    [InlineData(0, "(byte 1 past the end)")]
    [InlineData(1, "(byte 2 past the end)")]
    [InlineData(2, "(byte 3 past the end)")]
    [InlineData(10, "(byte 11 past the end)")]
    [InlineData(20, "(byte 21 past the end)")]
    public void The_overrun_message_says_which_byte_past_the_end_was_changed_first(int pastTheEnd, string expected)
    {
        var overrun = Overrun("g", 0x1000, 100, "gpu/staging", 100 + (ulong)pastTheEnd, 1);

        string message = new CmaGuardOverrunException(overrun).Message;

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains($"offset {100 + pastTheEnd}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guard_overrun_event_is_reached_through_the_interface()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"16\""));
        ICmaService cma = host.Service;
        CmaGuardOverrun? raised = null;
        cma.GuardOverrun += o => raised = o;
        CmaBuffer buffer = BackedRegions.Allocate(host, "g", 100);
        RegionMemory.Bytes(buffer.Address + 100, 1)[0] = 7;

        buffer.Dispose();

        Assert.Equal(Overrun("g", buffer.Address, 100, "", 100, 1), raised);
    }

    [Fact]
    public void An_overrun_starting_right_after_the_chunk_is_byte_1_past_the_end()
    {
        var overrun = Overrun("g", 0x1000, 4096, "gpu/staging", 4096, 2);

        Assert.EndsWith("was written past its end: 2 guard bytes changed, the first at offset 4096 (byte 1 past the end)", overrun.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_chunk_written_up_to_its_last_byte_passes_the_guard_check()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"64\""));
        CmaBuffer buffer = BackedRegions.Allocate(host, "g", 4096);
        buffer.Span.Fill(0xFF);

        buffer.Dispose();

        Assert.Equal(0, host.Service.GetRegion("g").Chunks);
    }

    [Fact]
    public void Guard_bytes_make_a_chunk_reserve_more_than_it_was_asked_for()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"64\""));

        using CmaBuffer buffer = BackedRegions.Allocate(host, "g", 4096);

        Assert.Equal(4096UL, buffer.Size);
        Assert.Equal((4UL << 20) - 8192, host.Service.GetRegion("g").FreeBytes);
    }

    [Fact]
    public void A_raw_chunk_free_of_a_guarded_region_reports_an_overrun_without_throwing()
    {
        using TestHost host = BackedRegions.Start(BackedRegions.Native("g", extra: "\"GuardBytes\": \"16\""));
        CmaGuardOverrun? raised = null;
        host.Service.GuardOverrun += o => raised = o;
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("g", 100, 0, out CmaChunk chunk));
        RegionMemory.Bytes(chunk.Address + 100, 1)[0] = 7;

        CmaOutcome outcome = host.Service.TryFree(chunk.Address);

        Assert.Equal(CmaOutcome.Ok, outcome);
        Assert.Equal(Overrun("g", chunk.Address, 100, "", 100, 1), raised);
    }

    /// <summary>Allocates 64K, fills it with 0xFF, frees it, and allocates 64K again (best-fit reuses the hole).</summary>
    private static (ulong First, CmaBuffer Second) DirtyThenReallocate(TestHost host, string region)
    {
        CmaBuffer first = BackedRegions.Allocate(host, region, 64 * 1024);
        first.Span.Fill(0xFF);
        first.Dispose();
        return (first.Address, BackedRegions.Allocate(host, region, 64 * 1024));
    }

    /// <summary>An overrun record, in the order of its properties.</summary>
    private static CmaGuardOverrun Overrun(string region, ulong address, ulong size, string owner, ulong firstOverwrittenOffset, ulong overwrittenBytes) =>
        new() { Region = region, Address = address, Size = size, Owner = owner, FirstOverwrittenOffset = firstOverwrittenOffset, OverwrittenBytes = overwrittenBytes };
}
