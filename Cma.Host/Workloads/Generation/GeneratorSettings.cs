namespace Cma.Host.Workloads.Generation;

/// <summary>What <c>cma trace generate</c> was asked for.</summary>
internal sealed class GeneratorSettings
{
    /// <summary>The profile: camera, video, gfx-mixed, log-uniform, devices (the bundled workload), or reusable.</summary>
    public required string Profile { get; init; }

    /// <summary>Operations to write.</summary>
    public long Operations { get; init; } = 10_000;

    /// <summary>The random seed; the same seed writes the same trace.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The region size the trace is made for (its <c># region</c> line); null for the profile's default.</summary>
    public ulong? RegionSize { get; init; }

    /// <summary>log-uniform: the smallest size.</summary>
    public ulong Min { get; init; } = 4096;

    /// <summary>log-uniform: the largest size.</summary>
    public ulong Max { get; init; } = 4 << 20;

    /// <summary>log-uniform: the fraction of the region live bytes hover around.</summary>
    public double Fill { get; init; } = 0.7;

    /// <summary>log-uniform: the requests' alignment.</summary>
    public AlignmentChoice Alignment { get; init; } = AlignmentChoice.Granule;
}
