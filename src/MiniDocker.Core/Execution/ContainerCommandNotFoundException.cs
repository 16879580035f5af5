namespace MiniDocker.Execution;

/// <summary>The container's program does not exist in its root filesystem (Docker reports this with exit code 127).</summary>
public sealed class ContainerCommandNotFoundException : ContainerStartException
{
    /// <summary>Creates the exception.</summary>
    public ContainerCommandNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerCommandNotFoundException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ContainerCommandNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the command that was not found.</summary>
    public ContainerCommandNotFoundException(string message, string step, int errno, string command) : base(message, step, errno)
    {
        Command = command;
    }

    /// <summary>The program that was not found.</summary>
    public string? Command { get; }
}
