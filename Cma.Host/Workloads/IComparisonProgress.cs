namespace Cma.Host.Workloads;

/// <summary>Where a comparison reports how far it is (a progress bar on a terminal; nothing when redirected).</summary>
internal interface IComparisonProgress
{
    /// <summary>Work on <paramref name="allocator"/> is at <paramref name="fraction"/> (0 to 1) of the step described.</summary>
    void Report(string allocator, string step, double fraction);
}
