namespace Cma.Conformance;

/// <summary>
/// Thrown by <see cref="ConformanceCheck.Run"/> when an allocator breaks the contract. The message says which
/// postcondition failed, on which region, after which operations; for a randomized check it carries the
/// minimal failing operation sequence and the seed that reproduces it.
/// </summary>
public sealed class ConformanceFailure : Exception
{
    /// <summary>Creates a failure with a message.</summary>
    /// <param name="message">What the allocator did wrong.</param>
    public ConformanceFailure(string message)
        : base(message)
    {
    }

    /// <summary>Creates a failure with a message and the seed that reproduces it.</summary>
    /// <param name="message">What the allocator did wrong.</param>
    /// <param name="seed">The seed string that reproduces the failure (<see cref="ConformanceOptions.Seed"/>), or null.</param>
    public ConformanceFailure(string message, string? seed)
        : base(message)
    {
        Seed = seed;
    }

    /// <summary>Creates a failure with a message and its cause.</summary>
    /// <param name="message">What the allocator did wrong.</param>
    /// <param name="innerException">The exception the allocator threw.</param>
    public ConformanceFailure(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates a failure with a default message.</summary>
    public ConformanceFailure()
        : base("The allocator failed a conformance check.")
    {
    }

    /// <summary>The seed string that reproduces a randomized failure, or null for a deterministic check.</summary>
    public string? Seed { get; }
}
