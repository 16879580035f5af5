namespace MiniDocker;

/// <summary>The base of every exception MiniDocker throws for a container-level failure.</summary>
public class MiniDockerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MiniDockerException()
    {
    }

    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    public MiniDockerException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public MiniDockerException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
