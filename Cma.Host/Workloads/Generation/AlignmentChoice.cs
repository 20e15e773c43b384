namespace Cma.Host.Workloads.Generation;

/// <summary>The alignment of generated requests: a fixed power of two, or <c>mix</c> (4K 70 %, 64K 20 %, 1M 10 %).</summary>
internal sealed class AlignmentChoice
{
    /// <summary>The fixed alignment (0 for the granule), unless <see cref="_mix"/>.</summary>
    private readonly ulong _fixed;

    /// <summary>Whether each request draws 4K/64K/1M at 70/20/10 %.</summary>
    private readonly bool _mix;

    private AlignmentChoice(ulong value, bool mix)
    {
        _fixed = value;
        _mix = mix;
    }

    /// <summary>Every request at the granule.</summary>
    public static AlignmentChoice Granule { get; } = new(0, false);

    /// <summary>Parses <c>--align</c>: a power-of-two size or <c>mix</c>; null when invalid.</summary>
    public static AlignmentChoice? Parse(string text)
    {
        if (string.Equals(text, "mix", StringComparison.OrdinalIgnoreCase))
            return new AlignmentChoice(0, true);
        return CmaSize.TryParse(text, out ulong value) && System.Numerics.BitOperations.IsPow2(value) ? new AlignmentChoice(value, false) : null;
    }

    /// <summary>A fixed alignment.</summary>
    public static AlignmentChoice Of(ulong value) => new(value, false);

    /// <summary>How <c>--align</c> writes this choice (<c>mix</c>, <c>64K</c>), or null for the granule (no <c>--align</c>).</summary>
    public string? Text => _mix ? "mix" : _fixed == 0 ? null : CmaSize.Format(_fixed);

    /// <summary>The alignment of the next request (0 = the granule).</summary>
    public ulong Next(Random random)
    {
        if (!_mix)
            return _fixed;
        double u = random.NextDouble();
        return u < 0.7 ? 4096UL : u < 0.9 ? 64UL << 10 : 1UL << 20;
    }
}
