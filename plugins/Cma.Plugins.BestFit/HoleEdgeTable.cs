using System.Runtime.CompilerServices;

namespace Cma.Plugins.BestFit;

/// <summary>The hash table behind both <see cref="HoleAddressIndex"/> views: every hole's start and end, found by
/// address — the shared <see cref="EdgeTable{TRecords}"/> over the holes of a <see cref="HoleArena"/> (each hole keeps
/// its two entries' positions in <see cref="Hole.StartEntry"/> and <see cref="Hole.EndEntry"/>).</summary>
internal sealed class HoleEdgeTable(HoleArena arena) : EdgeTable<HoleEdges>(new HoleEdges(arena), capacity: 0);

/// <summary>The holes as an <see cref="EdgeTable{TRecords}"/> reads them: the start and the end of a hole, and where it
/// keeps its entries' positions.</summary>
internal readonly struct HoleEdges(HoleArena arena) : IEdgeRecords
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Edge(int slot, bool isEnd)
    {
        ref Hole h = ref arena.Items[slot];
        return isEnd ? h.Start + h.Size : h.Start;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref int EntryOf(int slot, bool isEnd)
    {
        ref Hole h = ref arena.Items[slot];
        return ref isEnd ? ref h.EndEntry : ref h.StartEntry;
    }
}
