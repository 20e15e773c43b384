namespace Cma.Runtime;

/// <summary>What a device/type can reach through the map (the RFC's <c>struct cma_info</c>).</summary>
/// <param name="LowerBound">The lowest start address among the matched regions.</param>
/// <param name="UpperBound">One past the highest end address among them.</param>
/// <param name="TotalSize">Their total size in bytes.</param>
/// <param name="FreeSize">Their free bytes now (rounding included).</param>
/// <param name="Count">How many regions matched.</param>
/// <param name="Regions">Their names, in the map's fallback order.</param>
public sealed record CmaInfo(ulong LowerBound, ulong UpperBound, ulong TotalSize, ulong FreeSize, int Count, IReadOnlyList<string> Regions);
