namespace Cma.Runtime;

/// <summary>
/// The one exception the host API's throwing forms raise for an expected failure; it carries the
/// <see cref="CmaOutcome"/> that the matching <c>Try</c> form would have returned. Bad arguments are
/// <see cref="ArgumentException"/>s instead.
/// </summary>
public class CmaException : Exception
{
    /// <summary>Creates the exception with a default message and <see cref="CmaOutcome.NoSpace"/>.</summary>
    public CmaException()
        : this(CmaOutcome.NoSpace, "The contiguous memory request failed.")
    {
    }

    /// <summary>Creates the exception with a message and <see cref="CmaOutcome.NoSpace"/>.</summary>
    /// <param name="message">The message.</param>
    public CmaException(string message)
        : this(CmaOutcome.NoSpace, message)
    {
    }

    /// <summary>Creates the exception with a message and a cause; the outcome is <see cref="CmaOutcome.NoSpace"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CmaException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Outcome = CmaOutcome.NoSpace;
    }

    /// <summary>Creates the exception for an outcome.</summary>
    /// <param name="outcome">The outcome; not <see cref="CmaOutcome.Ok"/>.</param>
    /// <param name="message">The message.</param>
    public CmaException(CmaOutcome outcome, string message)
        : base(message)
    {
        Outcome = outcome;
    }

    /// <summary>Why the call failed.</summary>
    public CmaOutcome Outcome { get; }
}
