namespace Cma.Runtime;

/// <summary>What a device/type can reach through the map (the RFC's <c>struct cma_info</c>).</summary>
public sealed record CmaInfo
{
    /// <summary>The lowest start address among the matched regions.</summary>
    public required ulong LowerBound { get; init; }

    /// <summary>One past the highest end address among them.</summary>
    public required ulong UpperBound { get; init; }

    /// <summary>Their total size in bytes.</summary>
    public required ulong TotalSize { get; init; }

    /// <summary>Their free bytes now (rounding included).</summary>
    public required ulong FreeSize { get; init; }

    /// <summary>How many regions matched.</summary>
    public required int Count { get; init; }

    /// <summary>Their names, in the map's fallback order.</summary>
    public required IReadOnlyList<string> Regions { get; init; }
}

