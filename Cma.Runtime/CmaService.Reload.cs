using Cma.Runtime.Configuration;
using Cma.Runtime.Regions;
using Cma.Runtime.Reload;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Cma.Runtime;

/// <summary>
/// Configuration reload: a new <c>Cma</c> section is validated as at start and, if valid, its difference applied — regions
/// added, empty regions removed, allocators and settings swapped live, the map replaced — with the region set and map
/// published in one write (<see cref="CmaTopology"/>). Anything invalid or unsafe changes nothing. One reload at a time.
/// </summary>
internal sealed partial class CmaService
{
    /// <summary>Serialises reloads (and a reload with <see cref="Dispose"/>).</summary>
    private readonly Lock _applyLock = new();

    /// <summary>The validated configuration the running regions and map were built from; null when the service was built
    /// without one (the host's tools), which then cannot reload.</summary>
    internal CmaOptions? Configured { get; set; }

    /// <summary>What relative paths of a reloaded section resolve against (as at start).</summary>
    internal string BaseDirectory { get; set; } = AppContext.BaseDirectory;

    /// <summary>The plugin directories and pins the catalog was loaded from, when known (<c>AddCma</c>): a reload that changes
    /// them is refused, since plugins load once.</summary>
    internal Plugins.PluginSources? StartPlugins { get; set; }

    /// <summary>The logger of regions a reload adds.</summary>
    internal ILogger RegionLogger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The canonical text of the section last applied (null until the first reload).</summary>
    private string? _appliedText;

    /// <summary>The canonical text of the last section tried, when validation found it invalid (null otherwise): trying it
    /// again gives the same outcome, so it is not logged nor counted again.</summary>
    private string? _invalidText;

    /// <summary>The last reload's outcome.</summary>
    private CmaReloadOutcome? _lastReload;

    /// <inheritdoc/>
    public CmaReloadOutcome? LastReload => Volatile.Read(ref _lastReload);

    /// <summary>Raised after every reload with its outcome (tests and tools wait on it).</summary>
    internal event Action<CmaReloadOutcome>? Reloaded;

    /// <summary>The change-token registration of <see cref="WatchForChanges"/>, disposed with the service.</summary>
    private IDisposable? _watch;

    /// <summary>Applies <paramref name="section"/> each time its configuration signals a change (its reload token), e.g. a
    /// JSON file added with <c>reloadOnChange</c>. A notification that fires twice finds the section unchanged the second
    /// time; one that fires during a reload waits for it. Never throws into the notifier: a failure is logged.</summary>
    internal void WatchForChanges(IConfiguration section)
    {
        _watch = ChangeToken.OnChange(section.GetReloadToken, () =>
        {
            try
            {
                Apply(section);
            }
            catch (ObjectDisposedException)
            {
                // the service is gone: nothing to apply to
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Applying the reloaded Cma configuration failed; the running configuration stays.");
            }
        });
    }

    /// <inheritdoc/>
    public CmaReloadOutcome Apply(IConfiguration configuration)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(configuration);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        IConfiguration section = configuration is not IConfigurationSection && configuration.GetSection(CmaConfigurationLoader.SectionName).Exists()
            ? configuration.GetSection(CmaConfigurationLoader.SectionName)
            : configuration;
        string text = ReloadPlan.SettingsText(section);
        CmaReloadOutcome outcome;
        lock (_applyLock)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (text == _invalidText && LastReload is { Result: CmaReloadResult.Invalid } same)
                return same;   // the same invalid section again (a notification that fired twice): reported once
            var problems = new List<string>();
            var changes = new List<string>();
            CmaReloadResult result = ApplyLocked(section, text, problems, changes);
            outcome = new CmaReloadOutcome { At = DateTimeOffset.UtcNow, Result = result, Problems = problems, Changes = changes };
            Volatile.Write(ref _lastReload, outcome);
        }
        Report(outcome);
        return outcome;
    }

    /// <summary>Logs, counts and announces a reload's outcome.</summary>
    private void Report(CmaReloadOutcome outcome)
    {
        _metrics?.Reload(outcome.Result.ToString().ToLowerInvariant());
        if (outcome.Result == CmaReloadResult.Applied)
            _logger.LogInformation("Cma configuration reloaded: {Changes}.", string.Join("; ", outcome.Changes));
        else if (outcome.Result is CmaReloadResult.Invalid or CmaReloadResult.Refused)
        {
            _logger.LogWarning("Cma configuration reload {Result}; the running configuration stays:{NewLine}{Problems}", outcome.Result.ToString().ToLowerInvariant(),
                Environment.NewLine, string.Join(Environment.NewLine, outcome.Problems));
        }
        Reloaded?.Invoke(outcome);
    }

    /// <summary>Validates <paramref name="section"/> and applies its difference, or changes nothing. Caller holds <see cref="_applyLock"/>.</summary>
    private CmaReloadResult ApplyLocked(IConfiguration section, string text, List<string> problems, List<string> changes)
    {
        if (Configured is null || _catalog is null)
        {
            problems.Add("this host was built without its configuration and plugin catalog, so it cannot reload; restart it instead");
            return CmaReloadResult.Refused;
        }
        _invalidText = null;
        if (text == _appliedText)
            return CmaReloadResult.Unchanged;
        CmaConfigurationSource source = CmaConfigurationLoader.ReadSection(section, BaseDirectory);
        ConfigLoadResult loaded = CmaConfigurationLoader.Validate(source, [.. _catalog.Providers.Select(p => p.Name)]);
        if (!loaded.IsValid)
        {
            problems.AddRange(loaded.Problems.Select(p => p.ToString()));
            _invalidText = text;
            return CmaReloadResult.Invalid;
        }
        CmaOptions next = loaded.Options!;
        CmaTopology topology = Topology;
        ReloadPlan plan = ReloadPlan.Compute(Configured, topology, next);
        if (StartPlugins is { } plugins && ReloadPlan.PluginsText(plugins) != ReloadPlan.PluginsText(source.Plugins))
            problems.Add($"{source.Prefix}:Plugins: plugin directories, pins and HotReload are read once, when the application starts; restart it to load other plugins or change HotReload.");
        problems.AddRange(plan.Unsafe);
        foreach (Region r in plan.Removed)
        {
            lock (r.Sync)
            {
                if (r.WhyNotRemovable() is { } why)
                    problems.Add(why);
            }
        }
        if (problems.Count > 0)
            return CmaReloadResult.Refused;
        if (plan.IsEmpty)
        {
            (Configured, _appliedText) = (next, text);
            return CmaReloadResult.Unchanged;
        }
        CmaReloadResult result = Execute(plan, next, topology, problems, changes);
        if (result == CmaReloadResult.Applied)
            (Configured, _appliedText) = (next, text);
        return result;
    }

    /// <summary>Carries out <paramref name="plan"/>: builds the added regions, swaps, fences the removed ones, then publishes
    /// the new topology and closes the removed regions. A failure at any step undoes the steps before it.</summary>
    private CmaReloadResult Execute(ReloadPlan plan, CmaOptions next, CmaTopology topology, List<string> problems, List<string> changes)
    {
        var built = new List<ConfigProblem>();
        List<Region> added = CmaRuntimeBuilder.BuildRegions(plan.Added, next.Regions, [.. topology.Regions.Except(plan.Removed)], _catalog!, RegionLogger, built);
        if (built.Count > 0)
        {
            problems.AddRange(built.Select(p => p.ToString()));
            return CmaReloadResult.Invalid;
        }
        var swapped = new List<(Region Region, string Allocator, ICmaAllocatorProvider? Provider, IConfiguration Settings)>();
        var retired = new List<(Region Region, bool WasActive)>();
        if (!SwapAll(plan, swapped, problems, changes) || !RetireAll(plan, retired, problems))
        {
            Undo(added, swapped, retired);
            changes.Clear();
            return CmaReloadResult.Refused;
        }
        Action<CmaMove>? mover = _mover;
        foreach (Region r in added)
        {
            lock (r.Sync)
                r.Mover = r.Memory is null ? mover : null;
            _metrics?.Watch(r);
            changes.Add($"added region '{r.Info.Name}' [0x{r.Info.Start:X}, 0x{r.Info.End:X}) ({r.AllocatorName})");
        }
        var byName = topology.Regions.Concat(added).ToDictionary(r => r.Info.Name, StringComparer.Ordinal);
        Volatile.Write(ref _topology, new CmaTopology([.. next.Regions.Select(o => byName[o.Name])], next.Map));
        foreach ((Region r, bool wasActive) in retired)
        {
            lock (r.Sync)
                r.CloseRetired(wasActive);
            changes.Add($"removed region '{r.Info.Name}'");
        }
        if (plan.MapChanged)
            changes.Add("map: " + string.Join(", ", next.Map.Rules.Select(rule => rule.ToString())));
        return CmaReloadResult.Applied;
    }

    /// <summary>Swaps each changed region's allocator or settings; false (with the reason) at the first refusal.</summary>
    private bool SwapAll(ReloadPlan plan, List<(Region, string, ICmaAllocatorProvider?, IConfiguration)> swapped, List<string> problems, List<string> changes)
    {
        foreach ((Region r, RegionOptions o) in plan.Swaps)
        {
            Plugins.PluginProvider provider = _catalog!.Find(o.Allocator)!;   // validation checked it is loaded
            string was = r.AllocatorName;
            lock (r.Sync)
            {
                (string name, ICmaAllocatorProvider? old, IConfiguration settings) = (r.AllocatorName, r.Provider, r.Settings);
                if (!r.TrySwapAllocator(provider.Name, provider.Instance, o.Settings, out string? reason))
                {
                    _metrics?.Swap(r, "refused");
                    problems.Add($"{o.Field}:Allocator: region '{r.Info.Name}': swapping to {provider.Name} was refused: {reason}");
                    return false;
                }
                swapped.Add((r, name, old, settings));
            }
            _metrics?.Swap(r, "ok");
            changes.Add(was == provider.Name ? $"region '{r.Info.Name}': new settings for {was}" : $"region '{r.Info.Name}': allocator {was} → {provider.Name}");
        }
        return true;
    }

    /// <summary>Fences each removed region while it is still empty; false (with why) when one has gained a chunk meanwhile.</summary>
    private static bool RetireAll(ReloadPlan plan, List<(Region, bool)> retired, List<string> problems)
    {
        foreach (Region r in plan.Removed)
        {
            lock (r.Sync)
            {
                if (!r.TryRetire(out string? refusal, out bool wasActive))
                {
                    problems.Add(refusal!);
                    return false;
                }
                retired.Add((r, wasActive));
            }
        }
        return true;
    }

    /// <summary>Undoes a refused reload: removed regions serve again, swaps are swapped back, added regions are closed.</summary>
    private void Undo(List<Region> added, List<(Region Region, string Allocator, ICmaAllocatorProvider? Provider, IConfiguration Settings)> swapped,
        List<(Region Region, bool WasActive)> retired)
    {
        foreach ((Region r, bool wasActive) in retired)
        {
            lock (r.Sync)
                r.UndoRetire(wasActive);
        }
        for (int i = swapped.Count - 1; i >= 0; i--)
        {
            (Region r, string name, ICmaAllocatorProvider? provider, IConfiguration settings) = swapped[i];
            string? reason = "its provider did not load";
            lock (r.Sync)
            {
                if (provider is not null && r.TrySwapAllocator(name, provider, settings, out reason))
                    continue;
            }
            _logger.LogError("Undoing the swap of region {Region} back to {Allocator} failed: {Reason}. It keeps the new allocator.", r.Info.Name, name, reason);
        }
        foreach (Region r in added)
        {
            lock (r.Sync)
                r.Close();
        }
    }
}
