using Cma.Runtime.Memory;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// A region whose fields each passed validation but which is not placed yet: <see cref="Start"/> null means
/// "after the previous region". <see cref="Field"/> is where it came from; <see cref="StartField"/> and
/// <see cref="SizeField"/> are the fields to blame for placement problems. A backed region (see <see cref="Memory"/>)
/// is not placed: its addresses are its mapping's.
/// </summary>
internal sealed record RegionDraft(string Name, ulong? Start, ulong Size, ulong Alignment, ulong Granule,
    string Allocator, IConfiguration Settings, string Field, string StartField, string SizeField)
{
    /// <summary>The region's real-memory settings (address space only unless configured).</summary>
    public RegionMemoryOptions Memory { get; init; } = RegionMemoryOptions.AddressOnly;
}
