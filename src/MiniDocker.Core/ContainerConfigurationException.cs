namespace MiniDocker;

/// <summary>
/// A container's configuration is invalid. Thrown before anything is created on the host;
/// the message says which setting was wrong and how to fix it.
/// </summary>
public sealed class ContainerConfigurationException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerConfigurationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ContainerConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
