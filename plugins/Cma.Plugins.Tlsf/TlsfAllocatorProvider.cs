using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Tlsf;

/// <summary>
/// The <c>tlsf</c> allocator: two-level segregated fit (Masmano et al.) with O(1) allocate and free, exact sizes and
/// exact per-allocation alignment (the gap before an aligned chunk stays free), block records out of band; any
/// region start and size. Settings: <c>SecondLevelBits</c> (1..6, default 5).
/// </summary>
public sealed class TlsfAllocatorProvider : ICmaAllocatorProvider
{
    /// <inheritdoc/>
    public string Name => "tlsf";

    /// <inheritdoc/>
    public string Description => "Two-level segregated fit: O(1) good fit over size-class lists, exact sizes and alignment, coalescing on free.";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        TlsfOptions options = TlsfOptions.Read(settings);
        return new TlsfAllocator(region, options.SecondLevelBits);
    }
}
