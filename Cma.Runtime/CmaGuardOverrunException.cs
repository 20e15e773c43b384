namespace Cma.Runtime;

/// <summary>Thrown by <see cref="CmaBuffer.DisposeChecked"/> when the buffer's guard bytes were changed: something wrote
/// past its end. The buffer is freed before this is thrown; <see cref="Overrun"/> says where and whose.
/// <see cref="CmaBuffer.Dispose"/> never throws it: there the overrun is only logged, counted and raised as
/// <see cref="ICmaService.GuardOverrun"/>.</summary>
public sealed class CmaGuardOverrunException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CmaGuardOverrunException()
        : this("A chunk's guard bytes were overwritten.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CmaGuardOverrunException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CmaGuardOverrunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an overrun.</summary>
    public CmaGuardOverrunException(CmaGuardOverrun overrun)
        : base(char.ToUpperInvariant(overrun.ToString()[0]) + overrun.ToString()[1..] + ". The chunk was freed.")
    {
        Overrun = overrun;
    }

    /// <summary>The overrun, or null when the exception was created from a message only.</summary>
    public CmaGuardOverrun? Overrun { get; }
}
