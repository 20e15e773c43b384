namespace Cma.Runtime.Regions;

/// <summary>What the host records for one live chunk besides its start address.</summary>
/// <param name="Size">The size the plugin was given: the request plus any guard bytes, rounded to the region's granule.</param>
/// <param name="Requested">The size the caller asked for, where the chunk's guard zone starts (at most <see cref="Size"/>).</param>
/// <param name="Owner">Index of the owner (device/type) in the region's owner table; 0 = none.</param>
internal readonly record struct ChunkEntry(ulong Size, ulong Requested, int Owner);
