namespace Cma.Host.Tests.Api;

/// <summary>
/// Bad arguments at the API get their documented outcome (an <see cref="ArgumentException"/>, or a
/// <see cref="CmaOutcome"/> value / <see cref="CmaException"/> carrying it) and leave every region's stats and registry
/// exactly as before: the whole state is compared as text before and after, with live chunks in every region.
/// </summary>
public class BadArgumentTests
{
    private const ulong K4 = 4096;

    public static TheoryData<string, string> RejectedCalls => new()
    {
        { "size 0 through the map", "size" },
        { "size 0 from named regions", "size" },
        { "size 0, throwing form", "size" },
        { "size that overflows when rounded to the granule", "size" },
        { "size 2^64 - 1", "size" },
        { "alignment 3", "alignment" },
        { "alignment 6", "alignment" },
        { "alignment of three granules", "alignment" },
        { "alignment 2^64 - 1", "alignment" },
        { "an unknown region name", "regions" },
        { "an empty region list", "regions" },
    };

    public static TheoryData<string, CmaOutcome> RefusedCalls => new()
    {
        { "size larger than any region", CmaOutcome.NoSpace },
        { "size larger than any region from named regions", CmaOutcome.NoSpace },
        { "alignment 2^63", CmaOutcome.NoSpace },
        { "a device no map rule matches", CmaOutcome.NoMatchingRule },
        { "free of address 0", CmaOutcome.NotFound },
        { "free of an interior address", CmaOutcome.NotFound },
        { "free of the address one past a chunk", CmaOutcome.NotFound },
        { "free of an address in no region", CmaOutcome.NotFound },
        { "free of 2^64 - 1", CmaOutcome.NotFound },
        { "double free", CmaOutcome.NotFound },
    };

    [Theory]
    [MemberData(nameof(RejectedCalls))]
    public void A_rejected_argument_throws_ArgumentException_and_changes_nothing(string call, string parameter)
    {
        using TestHost host = StartWithLiveChunks(out CmaChunk[] live);
        string before = host.StateText();

        var e = Assert.ThrowsAny<ArgumentException>(() => Invoke(host, call, live));

        Assert.Equal(parameter, e.ParamName);
        Assert.Equal(before, host.StateText());
    }

    [Theory]
    [MemberData(nameof(RefusedCalls))]
    public void A_request_that_cannot_be_served_returns_its_outcome_and_changes_nothing(string call, CmaOutcome expected)
    {
        using TestHost host = StartWithLiveChunks(out CmaChunk[] live);
        string before = host.StateText();

        CmaOutcome outcome = Invoke(host, call, live);

        Assert.Equal(expected, outcome);
        Assert.Equal(before, host.StateText());
    }

    [Theory]
    [MemberData(nameof(RefusedCalls))]
    public void The_throwing_forms_throw_CmaException_with_the_same_outcome_and_change_nothing(string call, CmaOutcome expected)
    {
        using TestHost host = StartWithLiveChunks(out CmaChunk[] live);
        string before = host.StateText();

        var e = Assert.Throws<CmaException>(() => Invoke(host, call, live, throwing: true));

        Assert.Equal(expected, e.Outcome);
        Assert.Equal(before, host.StateText());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    [InlineData("c")]
    public void An_alignment_of_2_to_the_63_is_no_space_in_every_first_party_allocator_not_a_fault(string region)
    {
        using TestHost host = StartWithLiveChunks(out _);
        string before = host.StateText();

        CmaOutcome outcome = host.Service.TryAllocateFrom(region, K4, 1UL << 63, out _);

        Assert.Equal(CmaOutcome.NoSpace, outcome);
        Assert.Equal(before, host.StateText());
    }

    [Fact]
    public void An_alignment_below_the_granule_is_raised_to_it_and_zero_means_the_granule()
    {
        using TestHost host = StartWithLiveChunks(out _);

        CmaChunk two = host.Service.Allocate("cam", null, 1, alignment: 2);
        CmaChunk zero = host.Service.Allocate("cam", null, K4 + 1, alignment: 0);

        Assert.Equal((0UL, K4), (two.Address % K4, two.Size));
        Assert.Equal((0UL, 2 * K4), (zero.Address % K4, zero.Size));
    }

    /// <summary>Regions a (best-fit), b (bitmap), c (buddy), each 1 MiB with a few live chunks; the map sends
    /// "cam" to a, b, c and nothing else anywhere.</summary>
    private static TestHost StartWithLiveChunks(out CmaChunk[] live)
    {
        TestHost host = TestHost.Start(
            $"[ {TestHost.Region("a")}, {TestHost.Region("b", "bitmap")}, {TestHost.Region("c", "buddy")} ]", """[ "cam=a,b,c" ]""");
        live =
        [
            host.Service.Allocate("cam", null, 3 * K4),
            host.Service.Allocate("cam", null, 64 * 1024, 64 * 1024),
            host.Service.Allocate("cam", null, K4),
        ];
        foreach (string region in (string[])["b", "c"])
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom(region, 5 * K4, 0, out CmaChunk chunk));
            live = [.. live, chunk];
        }
        host.Service.Free(live[2].Address); // a hole, so that the registries are not just a prefix
        return host;
    }

    private static CmaOutcome Invoke(TestHost host, string call, CmaChunk[] live, bool throwing = false)
    {
        ICmaService api = host.Service;
        CmaChunk first = live[0];
        return call switch
        {
            "size 0 through the map" => api.TryAllocate("cam", null, 0, 0, out _),
            "size 0 from named regions" => api.TryAllocateFrom("a,b", 0, 0, out _),
            "size 0, throwing form" => Ok(api.Allocate("cam", null, 0)),
            "size that overflows when rounded to the granule" => api.TryAllocate("cam", null, ulong.MaxValue - K4 + 2, 0, out _),
            "size 2^64 - 1" => api.TryAllocateFrom("c", ulong.MaxValue, 0, out _),
            "alignment 3" => api.TryAllocate("cam", null, K4, 3, out _),
            "alignment 6" => api.TryAllocateFrom("a", K4, 6, out _),
            "alignment of three granules" => api.TryAllocate("cam", null, K4, 3 * K4, out _),
            "alignment 2^64 - 1" => api.TryAllocate("cam", null, K4, ulong.MaxValue, out _),
            "an unknown region name" => api.TryAllocateFrom("a,nope", K4, 0, out _),
            "an empty region list" => api.TryAllocateFrom(" , ", K4, 0, out _),
            "size larger than any region" => Allocate("cam", 2UL << 20, 0),
            "size larger than any region from named regions" => throwing ? Ok(api.Allocate("cam", null, 1UL << 40)) : api.TryAllocateFrom("a,b,c", 1UL << 40, 0, out _),
            "alignment 2^63" => Allocate("cam", K4, 1UL << 63),
            "a device no map rule matches" => Allocate("nobody", K4, 0),
            "free of address 0" => Free(0),
            "free of an interior address" => Free(first.Address + K4),
            "free of the address one past a chunk" => Free(live[4].Address + live[4].Size),
            "free of an address in no region" => Free(0x1234_0000_0000),
            "free of 2^64 - 1" => Free(ulong.MaxValue),
            "double free" => Free(live[2].Address),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call, "no such case"),
        };

        CmaOutcome Allocate(string device, ulong size, ulong alignment) =>
            throwing ? Ok(api.Allocate(device, null, size, alignment)) : api.TryAllocate(device, null, size, alignment, out _);

        CmaOutcome Free(ulong address)
        {
            if (!throwing)
                return api.TryFree(address);
            api.Free(address);
            return CmaOutcome.Ok;
        }
    }

    private static CmaOutcome Ok(CmaChunk chunk) => chunk.Size > 0 ? CmaOutcome.Ok : throw new InvalidOperationException("no chunk");
}
