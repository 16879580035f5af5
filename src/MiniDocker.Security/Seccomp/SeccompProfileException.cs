namespace MiniDocker.Security.Seccomp;

/// <summary>A seccomp profile is malformed; the message names the entry and what is wrong with it.</summary>
public sealed class SeccompProfileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SeccompProfileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SeccompProfileException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SeccompProfileException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
