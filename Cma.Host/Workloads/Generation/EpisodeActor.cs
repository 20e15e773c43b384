namespace Cma.Host.Workloads.Generation;

/// <summary>
/// A device that works in episodes (a camera session, a decode session): when its plan is empty it plans the next
/// episode as a list of allocations and frees of episode-local handles, then writes one planned operation per step.
/// Other actors' operations interleave between its steps, as another device's would.
/// </summary>
internal abstract class EpisodeActor(double weight) : IGeneratorActor
{
    /// <summary>Planned operations not yet written, in order.</summary>
    private readonly Queue<(bool Allocate, int Handle, ulong Size, ulong Alignment, string? Device)> _plan = new();

    /// <summary>Per handle of the current episode, the id written and its size (valid after its allocation).</summary>
    private readonly List<(long Id, ulong Size)> _handles = [];

    /// <summary>Handles planned in the current episode; reset when the plan empties.</summary>
    private int _plannedHandles;

    public double Weight => weight;

    public void Step(GeneratorState state)
    {
        if (_plan.Count == 0)
        {
            _handles.Clear();
            ResetHandles();
            Plan(state.Random);
        }
        (bool allocate, int handle, ulong size, ulong alignment, string? device) = _plan.Dequeue();
        if (allocate)
        {
            while (_handles.Count <= handle)
                _handles.Add((-1, 0));
            _handles[handle] = (state.Allocate(size, alignment, device), size);
        }
        else
        {
            state.Free(_handles[handle].Id, _handles[handle].Size);
        }
    }

    /// <summary>Plans the next episode with <see cref="Allocate"/> and <see cref="Free"/>; must plan at least one operation,
    /// and free only handles it allocated before.</summary>
    protected abstract void Plan(Random random);

    /// <summary>Plans an allocation into a new handle, which it returns.</summary>
    protected int Allocate(ulong size, ulong alignment, string device)
    {
        int handle = _plannedHandles++;
        _plan.Enqueue((true, handle, size, alignment, device));
        return handle;
    }

    /// <summary>Plans the free of <paramref name="handle"/>.</summary>
    protected void Free(int handle) => _plan.Enqueue((false, handle, 0, 0, null));

    /// <summary>Plans the frees of <paramref name="handles"/> in random order, and empties the list.</summary>
    protected void FreeShuffled(List<int> handles, Random random)
    {
        while (handles.Count > 0)
        {
            int i = random.Next(handles.Count);
            Free(handles[i]);
            handles[i] = handles[^1];
            handles.RemoveAt(handles.Count - 1);
        }
    }

    /// <summary>Starts numbering handles afresh (called by <see cref="Step"/> before planning).</summary>
    protected void ResetHandles() => _plannedHandles = 0;

    /// <summary>The bytes of an NV12 frame (12 bits a pixel), rounded up to 4K: 1920×1080 → 3,112,960.</summary>
    protected static ulong Nv12(ulong width, ulong height) => (width * height * 3 / 2 + 4095) / 4096 * 4096;

    /// <summary>1 MiB, the frame buffers' alignment.</summary>
    protected const ulong OneMiB = 1 << 20;
}
