namespace Cma.Runtime;

/// <summary>The outcome of a host API call (allocate or free). Expected failures are values, not exceptions.</summary>
public enum CmaOutcome
{
    /// <summary>The call succeeded.</summary>
    Ok = 0,

    /// <summary>Every candidate region that could take the request was tried and none had room (the RFC's -ENOMEM).</summary>
    NoSpace = 1,

    /// <summary>No map rule matches the device and type (the RFC's -ENOENT from the map).</summary>
    NoMatchingRule = 2,

    /// <summary>Every candidate region is fenced after a plugin fault; none could be tried.</summary>
    AllRegionsFenced = 3,

    /// <summary>No live chunk starts at the address given to free (the RFC's -ENOENT from cma_free).</summary>
    NotFound = 4,
}
