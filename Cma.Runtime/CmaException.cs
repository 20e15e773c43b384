namespace Cma.Runtime;

/// <summary>
/// The one exception the host API's throwing forms raise for an expected failure; it carries the
/// <see cref="CmaOutcome"/> that the matching <c>Try</c> form would have returned. Bad arguments are
/// <see cref="ArgumentException"/>s instead.
/// </summary>
public sealed class CmaException : Exception
{
    /// <summary>Creates the exception for an outcome.</summary>
    /// <param name="outcome">The outcome; not <see cref="CmaOutcome.Ok"/>.</param>
    /// <param name="message">The message.</param>
    public CmaException(CmaOutcome outcome, string message)
        : this(outcome, message, null)
    {
    }

    /// <summary>Creates the exception for an outcome, with its cause.</summary>
    /// <param name="outcome">The outcome; not <see cref="CmaOutcome.Ok"/>.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or null.</param>
    public CmaException(CmaOutcome outcome, string message, Exception? innerException)
        : base(message, innerException)
    {
        Outcome = outcome;
    }

    /// <summary>Why the call failed.</summary>
    public CmaOutcome Outcome { get; }
}
