using System.Globalization;

namespace Cma.Host.Workloads.Generation;

/// <summary>
/// What the generator's actors share: the seeded random source, the next allocation id, the output, and counts.
/// Writes Cma's trace format: <c>a|m|d &lt;id&gt; &lt;size&gt; [&lt;align&gt;] [@device[/type]]</c>, <c>f &lt;id&gt;</c>,
/// <c>p &lt;id&gt; [long]</c> and <c>u &lt;id&gt;</c>.
/// </summary>
internal sealed class GeneratorState(Random random, TextWriter output, ulong regionSize)
{
    /// <summary>The next id to hand out; ids are never reused.</summary>
    private long _nextId;

    /// <summary>The seeded random source (the same seed writes the same trace).</summary>
    public Random Random => random;

    /// <summary>The region size the trace is made for.</summary>
    public ulong RegionSize => regionSize;

    /// <summary>Operations written.</summary>
    public long Operations { get; private set; }

    /// <summary>Bytes live (as requested) after the operations written.</summary>
    public ulong LiveBytes { get; private set; }

    /// <summary>Writes an allocation and returns its id: contiguous (<c>a</c>, the default), movable (<c>m</c>) or
    /// discardable (<c>d</c>), as <paramref name="verb"/> says.</summary>
    public long Allocate(ulong size, ulong alignment, string? device, char verb = 'a')
    {
        long id = _nextId++;
        output.Write(verb);
        output.Write(' ');
        output.Write(id.ToString(CultureInfo.InvariantCulture));
        output.Write(' ');
        output.Write(CmaSize.Format(size));
        if (alignment != 0)
        {
            output.Write(' ');
            output.Write(CmaSize.Format(alignment));
        }
        if (device is not null)
        {
            output.Write(" @");
            output.Write(device);
        }
        output.Write('\n');
        Operations++;
        LiveBytes += size;
        return id;
    }

    /// <summary>Writes a pin of the movable chunk <paramref name="id"/> (<c>p &lt;id&gt;</c>, or <c>p &lt;id&gt; long</c>).</summary>
    public void Pin(long id, bool longTerm)
    {
        output.Write("p ");
        output.Write(id.ToString(CultureInfo.InvariantCulture));
        output.Write(longTerm ? " long\n" : "\n");
        Operations++;
    }

    /// <summary>Writes an unpin of the movable chunk <paramref name="id"/>, which holds a pin.</summary>
    public void Unpin(long id)
    {
        output.Write("u ");
        output.Write(id.ToString(CultureInfo.InvariantCulture));
        output.Write('\n');
        Operations++;
    }

    /// <summary>Writes a free of <paramref name="id"/>, which was allocated with <paramref name="size"/>.</summary>
    public void Free(long id, ulong size)
    {
        output.Write("f ");
        output.Write(id.ToString(CultureInfo.InvariantCulture));
        output.Write('\n');
        Operations++;
        LiveBytes -= size;
    }

    /// <summary>A size drawn log-uniformly between <paramref name="min"/> and <paramref name="max"/>, rounded up to
    /// <paramref name="granule"/> (e.g. 4K–1M: as many sizes between 4K and 8K as between 512K and 1M).</summary>
    public ulong LogUniform(ulong min, ulong max, ulong granule)
    {
        double lo = Math.Log(min), hi = Math.Log(max);
        ulong size = (ulong)Math.Exp(lo + random.NextDouble() * (hi - lo));
        size = Math.Clamp(size, min, max);
        return (size + granule - 1) / granule * granule;
    }
}
