namespace MiniDocker.Execution;

/// <summary>
/// A step of starting a container failed inside stage-0, before the container's program ran.
/// The message names the step as the kernel operation it performed and the errno it got.
/// </summary>
public class ContainerStartException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public ContainerStartException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerStartException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ContainerStartException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed plan step.</summary>
    public ContainerStartException(string message, string step, int errno) : base(message)
    {
        Step = step;
        Errno = errno;
    }

    /// <summary>The failed step, as the kernel operation it performs (e.g. <c>mount("proc", "/proc", "proc", …)</c>).</summary>
    public string? Step { get; }

    /// <summary>The errno the kernel returned, or 0.</summary>
    public int Errno { get; }
}
