namespace Cma.Runtime.Regions;

/// <summary>What the host records for one live chunk besides its start address.</summary>
/// <param name="Size">The size the caller asked for, rounded to the region's granule (what the plugin was given).</param>
/// <param name="Owner">Index of the owner (device/type) in the region's owner table; 0 = none.</param>
internal readonly record struct ChunkEntry(ulong Size, int Owner);
