namespace Cma.Conformance;

/// <summary>
/// What a <see cref="ConformanceCheck"/> runs against: a factory that creates an allocator for any region the
/// check chooses, and the options (operations, seed, granule, capabilities).
/// </summary>
public sealed class ConformanceContext
{
    /// <summary>Creates an allocator for a region; called once per allocator a check needs.</summary>
    private readonly Func<CmaRegion, ICmaAllocator> _factory;

    /// <summary>What an allocator of a plain region (16 MiB-like, at 1 GiB) declares, read once; null until needed.</summary>
    private CmaAllocatorTraits? _declaredTraits;

    /// <summary>Whether an allocator implements <see cref="ICmaExactPlacement"/>; null until needed.</summary>
    private bool? _hasExactPlacement;

    /// <summary>Creates a context.</summary>
    /// <param name="pluginName">The allocator's name, for messages.</param>
    /// <param name="factory">Creates a new allocator managing the whole of a region (for a provider,
    /// <c>region =&gt; provider.Create(region, settings)</c>).</param>
    /// <param name="options">How to run; null for <see cref="ConformanceOptions.Default"/>.</param>
    public ConformanceContext(string pluginName, Func<CmaRegion, ICmaAllocator> factory, ConformanceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginName);
        ArgumentNullException.ThrowIfNull(factory);
        options ??= ConformanceOptions.Default;
        if (!ulong.IsPow2(options.Granule) || options.Granule > 65536)
            throw new ArgumentException($"The granule must be a power of two of at most 64K; {options.Granule} is not.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Ops, 1, nameof(options));
        if (options.Seed is not null && !RandomizedChecks.IsValidSeed(options.Seed))
            throw new ArgumentException($"'{options.Seed}' is not a conformance seed: pass the seed string a randomized failure printed.", nameof(options));
        PluginName = pluginName;
        _factory = factory;
        Options = options;
    }

    /// <summary>The allocator's name, for messages.</summary>
    public string PluginName { get; }

    /// <summary>How to run.</summary>
    public ConformanceOptions Options { get; }

    /// <summary>The granule of every region the checks create.</summary>
    public ulong Granule => Options.Granule;

    /// <summary>The traits an allocator declares (before <see cref="ConformanceCapabilities"/> overrides), read from one
    /// created for a plain region: 4096 granules at 1 GiB.</summary>
    /// <exception cref="ConformanceFailure">Creating that allocator or reading its traits threw.</exception>
    public CmaAllocatorTraits DeclaredTraits
    {
        get
        {
            if (_declaredTraits is null)
            {
                using ICmaAllocator allocator = CreateAllocator(new CmaRegion("conformance", KitRegions.Base, 4096 * Granule, Granule));
                try
                {
                    _declaredTraits = allocator.Traits;
                }
                catch (Exception e)
                {
                    throw new ConformanceFailure($"Reading Traits threw {e.GetType().Name}: {e.Message}", e);
                }
            }
            return _declaredTraits.Value;
        }
    }

    /// <summary>Whether the allocators implement the optional <see cref="ICmaExactPlacement"/> (contract 1.1), read once
    /// from one created for the same plain region as <see cref="DeclaredTraits"/>.</summary>
    /// <exception cref="ConformanceFailure">Creating that allocator threw.</exception>
    public bool HasExactPlacement
    {
        get
        {
            if (_hasExactPlacement is null)
            {
                using ICmaAllocator allocator = CreateAllocator(new CmaRegion("conformance", KitRegions.Base, 4096 * Granule, Granule));
                _hasExactPlacement = allocator is ICmaExactPlacement;
            }
            return _hasExactPlacement.Value;
        }
    }

    /// <summary>The step of the regions the checks create: the granule, or the allocator's rounding unit when larger,
    /// so that an allocator that manages whole units (a bitmap of several granules per bit) gets regions of whole
    /// units. Starts stay unaligned to every larger alignment.</summary>
    public ulong RegionUnit => Math.Max(Granule, Options.Capabilities.Apply(DeclaredTraits).Unit);

    /// <summary>Creates an allocator for <paramref name="region"/> through the factory.</summary>
    /// <param name="region">The region the check chose.</param>
    /// <returns>The new allocator.</returns>
    /// <exception cref="ConformanceFailure">The factory threw or returned null.</exception>
    public ICmaAllocator CreateAllocator(CmaRegion region)
    {
        ICmaAllocator? allocator;
        try
        {
            allocator = _factory(region);
        }
        catch (Exception e)
        {
            throw new ConformanceFailure(
                $"Creating an allocator for region {region} ({ByteText.Size(region.Size)}) threw {e.GetType().Name}: {e.Message}", e);
        }
        return allocator ?? throw new ConformanceFailure($"Creating an allocator for region {region} returned null.");
    }

    /// <summary>Creates the factory's allocator for <paramref name="region"/> and the exception it threw, if any,
    /// without turning it into a failure (for checks that expect a refusal).</summary>
    /// <param name="region">The region.</param>
    /// <param name="allocator">The allocator, when the factory returned one.</param>
    /// <returns>The exception the factory threw, or null.</returns>
    public Exception? TryCreateAllocator(CmaRegion region, out ICmaAllocator? allocator)
    {
        try
        {
            allocator = _factory(region);
            return null;
        }
        catch (Exception e)
        {
            allocator = null;
            return e;
        }
    }

    /// <summary>The traits the checks hold <paramref name="allocator"/> to: its declared
    /// <see cref="ICmaAllocator.Traits"/> with <see cref="ConformanceOptions.Capabilities"/> applied.</summary>
    /// <param name="allocator">The allocator.</param>
    /// <returns>The effective traits.</returns>
    /// <exception cref="ConformanceFailure">Reading the traits threw.</exception>
    public CmaAllocatorTraits TraitsOf(ICmaAllocator allocator)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        try
        {
            return Options.Capabilities.Apply(allocator.Traits);
        }
        catch (Exception e)
        {
            throw new ConformanceFailure($"Reading Traits threw {e.GetType().Name}: {e.Message}", e);
        }
    }
}
