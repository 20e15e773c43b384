namespace Cma;

/// <summary>
/// Thrown by <see cref="ICmaAllocatorProvider.Create"/> when a region's settings are invalid or the plugin
/// cannot manage the region as configured. The host treats it as a configuration error: it does not start,
/// and shows the message with the region's name. The message should say what is wrong and how to fix it.
/// </summary>
public class CmaSettingsException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public CmaSettingsException()
        : base("The allocator's settings are invalid.")
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong and how to fix it.</summary>
    /// <param name="message">The message.</param>
    public CmaSettingsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CmaSettingsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
