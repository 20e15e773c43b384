namespace Cma.Host.Workloads.Generation;

/// <summary>
/// The <c>reusable</c> profile's contiguous users: bursts of large buffers (1–16 MiB log-uniform, 1 MiB aligned,
/// <c>a</c>) for one device each — <c>camera/preview</c>, <c>camera/capture</c> or <c>video</c> — that come and go.
/// A burst allocates 1–4 buffers (the second and later only while the burst stays within a share of the region), holds
/// them 10–100 steps, frees them in random order, then idles 5–60 steps. A buffer that does not fit the
/// <see cref="RegionBudget"/> waits (the step writes nothing) until the page cache has shrunk, and is skipped after
/// <see cref="MaxWait"/> steps, so that the budget's guarantee always holds.
/// </summary>
internal sealed class ContiguousBurstActor(RegionBudget budget, double weight, double burstShare = 0.3) : IGeneratorActor
{
    /// <summary>Steps a buffer waits for room before the burst goes on without it.</summary>
    public const int MaxWait = 200;

    /// <summary>The buffers' alignment, and the smallest buffer.</summary>
    private const ulong OneMiB = 1 << 20;

    /// <summary>The largest buffer.</summary>
    private const ulong MaxBuffer = 16 << 20;

    /// <summary>The devices a burst comes from.</summary>
    private static readonly string[] Devices = ["camera/preview", "camera/capture", "video"];

    /// <summary>Buffers of the current burst still to allocate, in order.</summary>
    private readonly Queue<ulong> _pending = new();

    /// <summary>The current burst's live buffers.</summary>
    private readonly LiveSet _live = new();

    /// <summary>The current burst's device.</summary>
    private string _device = Devices[0];

    /// <summary>Steps the head of <see cref="_pending"/> has waited for room.</summary>
    private int _waited;

    /// <summary>Steps left holding the burst's buffers before freeing them.</summary>
    private int _hold;

    /// <summary>Steps left idle after the burst before the next one.</summary>
    private int _idle;

    public double Weight => weight;

    public void Step(GeneratorState state)
    {
        if (_pending.Count > 0)
        {
            AllocateNext(state);
        }
        else if (_hold > 0)
        {
            _hold--;
        }
        else if (_live.Count > 0)
        {
            (long id, ulong size) = _live.TakeRandom(state.Random);
            state.Free(id, size);
            budget.Freed(size, movable: false);
        }
        else if (_idle > 0)
        {
            _idle--;
        }
        else
        {
            Plan(state);
        }
    }

    /// <summary>Allocates the burst's next buffer if it fits; else waits, up to <see cref="MaxWait"/> steps.</summary>
    private void AllocateNext(GeneratorState state)
    {
        ulong size = _pending.Peek();
        if (!budget.Fits(size) && ++_waited <= MaxWait)
            return;
        _pending.Dequeue();
        _waited = 0;
        if (!budget.Fits(size))
            return;
        _live.Add(state.Allocate(size, OneMiB, _device), size);
        budget.Allocated(size, movable: false);
    }

    /// <summary>Plans the next burst: its device, its buffers, how long it holds them and idles after.</summary>
    private void Plan(GeneratorState state)
    {
        Random random = state.Random;
        _device = Devices[random.Next(Devices.Length)];
        double share = burstShare * budget.RegionSize;
        int count = random.Next(1, 5);
        ulong total = 0;
        for (int i = 0; i < count; i++)
        {
            ulong size = state.LogUniform(OneMiB, MaxBuffer, RegionBudget.Granule);
            if (i > 0 && total + size > share)
                break;
            _pending.Enqueue(size);
            total += size;
        }
        _hold = random.Next(10, 101);
        _idle = random.Next(5, 61);
    }
}
