namespace Cma.Host.Workloads.Generation;

/// <summary>
/// The neutral log-uniform user (and the GUI's small graphics allocations): sizes log-uniform between a minimum and a
/// maximum, rounded up to the granule; each step allocates with probability clamp(0.5 + 5·(1 − live/target), 0.05,
/// 0.95), where target = fill × region size, otherwise frees a uniformly chosen live chunk. Live bytes hover around the
/// target. E.g. at live = target the step allocates half the time; at live = 0.9·target, 95 % of the time.
/// </summary>
internal sealed class FillActor(ulong min, ulong max, double fill, AlignmentChoice alignment, string? device, double weight, ulong granule = 4096)
    : IGeneratorActor
{
    /// <summary>This actor's live allocations.</summary>
    private readonly LiveSet _live = new();

    /// <summary>Bytes this actor holds live.</summary>
    private ulong _liveBytes;

    public double Weight => weight;

    public void Step(GeneratorState state)
    {
        double target = fill * state.RegionSize;
        double p = Math.Clamp(0.5 + 5 * (1 - _liveBytes / target), 0.05, 0.95);
        if (_live.Count == 0 || state.Random.NextDouble() < p)
        {
            ulong size = state.LogUniform(min, max, granule);
            _live.Add(state.Allocate(size, alignment.Next(state.Random), device), size);
            _liveBytes += size;
        }
        else
        {
            (long id, ulong size) = _live.TakeRandom(state.Random);
            state.Free(id, size);
            _liveBytes -= size;
        }
    }
}
