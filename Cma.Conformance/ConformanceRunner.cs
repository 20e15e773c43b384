using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Cma.Conformance;

/// <summary>
/// Runs the kit on one allocator and reports a result per check (the API <c>cma conformance</c> calls). A check
/// that fails does not stop the others.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>Runs the selected checks of <see cref="ConformanceSuite.All"/> on the allocators
    /// <paramref name="factory"/> creates.</summary>
    /// <param name="pluginName">The allocator's name, for results and messages (e.g. the provider name).</param>
    /// <param name="factory">Creates a new allocator managing the whole of a region the checks choose.</param>
    /// <param name="options">How to run; null for <see cref="ConformanceOptions.Default"/>.</param>
    /// <param name="progress">Told each result as its check finishes; may be null.</param>
    /// <returns>One result per check run, in the order of <see cref="ConformanceSuite.All"/>.</returns>
    /// <exception cref="ArgumentException"><see cref="ConformanceOptions.Checks"/> names a check that does not exist.</exception>
    public static IReadOnlyList<ConformanceResult> Run(
        string pluginName,
        Func<CmaRegion, ICmaAllocator> factory,
        ConformanceOptions? options = null,
        IProgress<ConformanceResult>? progress = null)
    {
        var context = new ConformanceContext(pluginName, factory, options);
        var results = new List<ConformanceResult>();
        foreach (ConformanceCheck check in Select(context.Options.Checks))
        {
            ConformanceResult result = RunCheck(check, context);
            results.Add(result);
            progress?.Report(result);
        }
        return results;
    }

    /// <summary>Runs the kit on the allocators a provider creates with empty settings (its defaults).</summary>
    /// <param name="provider">The provider, as the host's plugin catalog found it.</param>
    /// <param name="options">How to run; null for <see cref="ConformanceOptions.Default"/>.</param>
    /// <param name="progress">Told each result as its check finishes; may be null.</param>
    /// <returns>One result per check run.</returns>
    public static IReadOnlyList<ConformanceResult> Run(
        ICmaAllocatorProvider provider,
        ConformanceOptions? options = null,
        IProgress<ConformanceResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        IConfiguration settings = new ConfigurationSection(new ConfigurationRoot([]), "Settings");
        return Run(provider.Name, region => provider.Create(region, settings), options, progress);
    }

    /// <summary>Runs one check, turning a failure into a result.</summary>
    /// <param name="check">The check.</param>
    /// <param name="context">The allocator factory and options.</param>
    /// <returns>The result: passed, or failed with the message (and seed) of the failure.</returns>
    public static ConformanceResult RunCheck(ConformanceCheck check, ConformanceContext context)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        long started = Stopwatch.GetTimestamp();
        string? message = null;
        string? seed = null;
        bool applies = true;
        try
        {
            applies = check.AppliesTo(context);
            check.Run(context);
        }
        catch (ConformanceFailure failure)
        {
            message = failure.Message;
            seed = failure.Seed;
        }
        catch (Exception e)
        {
            message = $"The check stopped on an unexpected {e.GetType().Name}: {e.Message}";
        }
        return new ConformanceResult(context.PluginName, check.Name, check.Concern, message is null, message, seed, Stopwatch.GetElapsedTime(started))
        {
            NotApplicable = !applies,
        };
    }

    /// <summary>The checks named in <paramref name="names"/>, in suite order; all of them for null or empty.</summary>
    private static List<ConformanceCheck> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0)
            return [.. ConformanceSuite.All];
        foreach (string name in names)
        {
            if (ConformanceSuite.Find(name) is null)
                throw new ArgumentException($"No conformance check is named '{name}'. Checks: {string.Join(", ", ConformanceSuite.All)}.", nameof(names));
        }
        var selected = new List<ConformanceCheck>();
        foreach (ConformanceCheck check in ConformanceSuite.All)
        {
            foreach (string name in names)
            {
                if (string.Equals(check.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    selected.Add(check);
                    break;
                }
            }
        }
        return selected;
    }
}
