namespace Cma.Runtime.Regions;

/// <summary>One live chunk as the registry stores it: its start address and its data, kept together so that a
/// bucket of the <see cref="ChunkIndex"/> is one array (one object, one memmove).</summary>
internal readonly record struct IndexedChunk(ulong Start, ChunkEntry Entry);
